# soilshare: builds the C service and runs it as a non-root user on Debian 12.

# ---- build stage ----
FROM debian:12-slim AS build
# libc6-dev is only a Recommends of gcc, so name it. Node.js and npm install Leaflet and Redoc
# for the pages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      gcc libc6-dev make cmake pkg-config \
      libmicrohttpd-dev libjansson-dev libpq-dev \
      nettle-dev libgnutls28-dev libcsv-dev libcurl4-gnutls-dev \
      nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The pages' npm packages, pinned by their lock file (a layer of their own, kept while the
# lock file is unchanged).
COPY web/package.json web/package-lock.json web/
RUN cd web && npm ci --no-audit --no-fund
# Only what the build reads; sql/, the OpenAPI file and the pages are embedded.
COPY web/index.html web/page.js web/page.css web/
COPY web/dashboard/ web/dashboard/
COPY web/docs/ web/docs/
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY include/ include/
COPY server/ server/
COPY sql/ sql/
COPY openapi/openapi.json openapi/openapi.json
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTS=OFF \
 && cmake --build build -j \
 && strip build/soilshare

# ---- runtime stage ----
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libmicrohttpd12 libjansson4 libpq5 libnettle8 libgnutls30 libcsv3 \
      libcurl3-gnutls ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group \
      --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin soilshare
COPY --from=build /src/build/soilshare /usr/local/bin/soilshare
USER soilshare
ENV PORT=8080
EXPOSE 8080
# /healthz needs no database; plain HTTP (adjust if TLS_CERT is set).
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT:-8080}/healthz" >/dev/null || exit 1
# SIGTERM drains in-flight requests, then exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["soilshare"]
CMD ["serve"]
