# Copies Redoc's standalone bundle (IN) to OUT for /docs, without the one thing it would load
# from another server: the Redocly logo its side menu shows from cdn.redoc.ly. With an empty
# address the image is never asked for and the menu shows the attribution as text. Stops when
# the bundle no longer holds that address exactly once, so that a new Redoc is looked at.
set(logo "\"https://cdn.redoc.ly/redoc/logo-mini.svg\"")
file(READ ${IN} bundle)
string(LENGTH "${bundle}" before)
string(REPLACE "${logo}" "\"\"" bundle "${bundle}")
string(LENGTH "${bundle}" after)
string(LENGTH "${logo}" n)
math(EXPR removed "${before} - ${after}")
math(EXPR expected "${n} - 2")
if(NOT removed EQUAL expected)
  message(FATAL_ERROR "${IN}: expected the Redocly logo's address (${logo}) once; "
                      "look at what this Redoc loads from elsewhere and adjust cmake/redoc.cmake")
endif()
string(FIND "${bundle}" "cdn.redoc.ly" other)
if(NOT other EQUAL -1)
  message(FATAL_ERROR "${IN} names cdn.redoc.ly elsewhere too: adjust cmake/redoc.cmake")
endif()
file(WRITE ${OUT} "${bundle}")
