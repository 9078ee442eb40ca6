// Security headers on every response. The Content-Security-Policy is what the site needs and no more: Next's inline
// bootstrap scripts and styles ('unsafe-inline': no nonces, pages are cached), Cornerstone's wasm codecs
// ('wasm-unsafe-eval') and web workers (worker-src blob: and self), images from blob:/data: URLs (thumbnails,
// canvases). Development adds 'unsafe-eval' for React's dev tooling. No page may be framed (clickjacking).
// HSTS only when served over https (a TLS proxy in front says so with X-Forwarded-Proto), never on plain http.
const dev = process.env.NODE_ENV !== 'production';
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
  "worker-src 'self' blob:",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const securityHeaders = [
  { key: 'Content-Security-Policy', value: csp },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // server-only packages that must not be bundled (native addons, wasm loaded at run time)
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', 'dcmjs-dimse', 'esbuild', 'mdx-bundler', 'dcmjs', 'dcmjs-codecs', 'pngjs'],
  poweredByHeader: false,
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders },
      {
        source: '/:path*',
        has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }],
        headers: [{ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }],
      },
    ];
  },
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
