/* The API reference (/docs): Redoc, served by this server like everything the page loads,
 * renders this server's OpenAPI document (/openapi.json, a sibling of /docs). */
(function () {
  'use strict';

  const status = document.getElementById('status');
  const fonts = 'system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

  Redoc.init('openapi.json', {
    expandResponses: '200,201',
    jsonSampleExpandLevel: 3,
    theme: {
      typography: {
        fontFamily: fonts,
        headings: { fontFamily: fonts },
        code: { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' },
      },
    },
  }, document.getElementById('redoc'), (error) => {
    if (error) {
      status.textContent = `接口文档加载失败 Could not load the API reference: ${error.message || error}`;
      document.body.dataset.state = 'error';
      return;
    }
    status.remove();
    document.body.dataset.state = 'ready';
  });
})();
