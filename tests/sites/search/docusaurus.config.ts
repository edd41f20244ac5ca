import type {Config} from '@docusaurus/types';

// The search fixture site (tests/sites/search/gen.py writes it from tables.txt).
const config: Config = {
  title: 'Learn Example',
  url: 'https://learn.example.dev',
  baseUrl: '/',
  presets: [['classic', {docs: {routeBasePath: 'docs'}}]],
};

export default config;
