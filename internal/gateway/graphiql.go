package gateway

import (
	"embed"
	"io/fs"
	"net/http"
)

// The GraphiQL page: web/graphiql/ bundled by esbuild (GraphiQL, React,
// graphql-ws and the page's own examples plugin). Regenerate after changing
// web/graphiql (run `npm ci` there first); CI checks the committed bundle
// is what the pinned packages build.
//
//go:generate node ../../web/graphiql/build.mjs

//go:embed graphiql
var graphiqlFiles embed.FS

// graphiqlCSP lets the page load only its own scripts, styles and fonts
// (inlined as data: URLs) and talk only to its own origin: nothing of
// another host, so a page that works here works air-gapped. GraphiQL's
// editor and React set style attributes, hence 'unsafe-inline' for styles
// (not scripts).
const graphiqlCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'"

// mountGraphiQL serves GraphiQL at / and its script and stylesheet under
// /graphiql/ (no directory listing).
func mountGraphiQL(mux *http.ServeMux) {
	assets, err := fs.Sub(graphiqlFiles, "graphiql")
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	page, err := fs.ReadFile(assets, "index.html")
	if err != nil {
		panic(err)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", graphiqlCSP+sockets(r.Host))
		_, _ = w.Write(page)
	})
	mux.HandleFunc("GET /graphiql/{file}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if name == "index.html" {
			http.NotFound(w, r) // the page is served at /, with its CSP
			return
		}
		if _, err := fs.Stat(assets, name); err != nil {
			http.NotFound(w, r)
			return
		}
		// The bundle changes with the gateway's version under the same
		// name: a browser must not keep an old one.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		http.ServeFileFS(w, r, assets, name)
	})
}
