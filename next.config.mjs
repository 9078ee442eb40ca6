/** @type {import('next').NextConfig} */
const nextConfig = {
  // server-only packages that must not be bundled (native addons, wasm loaded at run time)
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', 'dcmjs-dimse', 'esbuild', 'mdx-bundler', 'dcmjs', 'dcmjs-codecs', 'pngjs'],
  poweredByHeader: false,
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
