import type {Config} from '@docusaurus/types';

// A small invented learning site used by the tests (tests/site_model.rs).
const config: Config = {
  title: 'Example Learning Tracks',
  url: 'https://learn.example.org',
  baseUrl: '/academy/',
  trailingSlash: false,
  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: 'tracks',
          sidebarPath: './sidebars.ts',
        },
      },
    ],
  ],
};

export default config;
