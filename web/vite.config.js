// Builds the dashboard into the Python package (../hadath/web/), which the
// API serves at "/". Relative asset URLs so it also works under a prefix.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    outDir: "../hadath/web",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev` against a running `hadath serve` on :8000
    proxy: Object.fromEntries(
      ["/events", "/articles", "/stats", "/timeline", "/places", "/export", "/extract", "/basemap.json", "/health"]
        .map((p) => [p, "http://127.0.0.1:8000"]),
    ),
  },
});
