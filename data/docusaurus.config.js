// Where the pages in data/curriculum are published. curriculum-bot reads these literal values
// (url, baseUrl, the docs routeBasePath and trailingSlash) to link the real pages when
// CURRICULUM_BASE_URL is not set; data/curriculum plays the site's docs/ folder.
module.exports = {
  title: 'Chasing Cloud Careers',
  url: 'https://chasingcloudcareers.com',
  baseUrl: '/',
  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: 'docs',
        },
      },
    ],
  ],
};
