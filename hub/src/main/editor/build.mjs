// Bundles the profile editor into the hub's static files (run by the Maven build through build.sh).
import * as esbuild from 'esbuild';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = process.argv[2] || path.join(here, '../../../target/classes/static/editor.js');

const plainMarkdown = {
  name: 'plain-markdown',
  setup(build) {
    build.onResolve({filter: /\/utils\/markdown(\.js)?$/}, args =>
      args.importer.includes(`${path.sep}codemirror-json-schema${path.sep}`)
        ? {path: path.join(here, 'src/plain-markdown.js')} : undefined);
  }
};

await esbuild.build({
  entryPoints: [path.join(here, 'src/editor.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'linked',
  outfile,
  plugins: [plainMarkdown],
  logLevel: 'warning'
});
console.log('profile editor bundled into ' + outfile);
