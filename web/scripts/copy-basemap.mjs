// Copies the world basemap (Natural Earth 1:50m countries as TopoJSON, from
// the npm package world-atlas) into the Python package, with its licence
// note, so the dashboard's map needs no tile server and no network.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = dirname(require.resolve("world-atlas/package.json"));
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
const out = join(here, "..", "..", "hadath", "resources", "basemap");
mkdirSync(out, { recursive: true });
copyFileSync(join(pkgDir, "countries-50m.json"), join(out, "countries-50m.json"));
writeFileSync(
  join(out, "README.md"),
  `# World basemap

\`countries-50m.json\`: country outlines at 1:50 million as TopoJSON, copied
unchanged from the npm package world-atlas ${pkg.version} (ISC licence,
Mike Bostock) by \`npm run build\` in web/ (web/scripts/copy-basemap.mjs).

The geometry is Natural Earth's (naturalearthdata.com), which is in the
public domain. Made with Natural Earth.

The dashboard draws it as a vector layer (served at /basemap.json), so the
map works offline with no tile server.
`,
);
console.log("basemap:", join(out, "countries-50m.json"));
