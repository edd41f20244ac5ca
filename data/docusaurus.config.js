// Where the pages in data/curriculum are published. curriculum-bot reads these literal values
// (url, baseUrl, the docs routeBasePath and trailingSlash) to link the real pages when
// CURRICULUM_BASE_URL is not set; data/curriculum is the site's docs folder (`path`).
module.exports = {
  title: 'Chasing Cloud Careers',
  url: 'https://chasingcloudcareers.com',
  baseUrl: '/',
  presets: [
    [
      'classic',
      {
        docs: {
          path: 'curriculum',
          routeBasePath: 'docs',
        },
      },
    ],
  ],
};
