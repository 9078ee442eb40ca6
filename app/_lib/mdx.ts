// Lessons are compiled from MDX with mdx-bundler (esbuild) on the server, once per lesson per process.
import { bundleMDX } from 'mdx-bundler';
import remarkGfm from 'remark-gfm';

const compiled = new Map<string, Promise<string>>();

export function compileLesson(slug: string, body: string): Promise<string> {
  let code = compiled.get(slug);
  if (!code) {
    code = bundleMDX({
      source: body,
      mdxOptions(options) {
        options.remarkPlugins = [...(options.remarkPlugins ?? []), remarkGfm];
        return options;
      },
    }).then((r) => r.code);
    compiled.set(slug, code);
    code.catch(() => compiled.delete(slug));
  }
  return code;
}
