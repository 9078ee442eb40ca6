/** @type {import('next').NextConfig} */
const nextConfig = {
  // server-only packages that must not be bundled (native addons, wasm loaded at run time)
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', 'dcmjs-dimse', 'esbuild', 'mdx-bundler', 'dcmjs', 'dcmjs-codecs', 'pngjs'],
  poweredByHeader: false,
  // PACSLAB_DIST_DIR lets two builds of one checkout live side by side (developers' parallel e2e runs); default .next
  distDir: process.env.PACSLAB_DIST_DIR || '.next',
  // `npm test` type-checks the whole project once (tsc --noEmit); the build need not do it again
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  experimental: { authInterrupts: true },
  webpack(config, { isServer }) {
    if (!isServer) {
      // the Cornerstone codec glue does require('fs') / require('path'); they are never used in the browser
      config.resolve.fallback = { ...config.resolve.fallback, fs: false, path: false };
    }
    return config;
  },
};

export default nextConfig;
