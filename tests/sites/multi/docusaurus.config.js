// An invented four-track learning site for the multi-track tests (tests/multi_site.rs).
module.exports = {
  title: 'Multi Track Academy',
  url: 'https://multi.example.net',
  baseUrl: '/',
  presets: [['classic', { docs: { routeBasePath: 'learn' } }]],
};
