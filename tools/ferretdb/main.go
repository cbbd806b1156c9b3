// Command ferretdb serves FerretDB v1 (MongoDB wire protocol) through its embeddable package.
//
// Why our own wrapper: `go install .../cmd/ferretdb@v1.24.2` builds a binary that panics at
// start because its version file is generated, not committed (FerretDB issue 2982). The
// embeddable package has no such dependency and also keeps telemetry off.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to serve the MongoDB wire protocol on")
	handler := flag.String("handler", "sqlite", "storage backend: sqlite or postgresql")
	sqliteDir := flag.String("sqlite-dir", ".data/ferretdb", "directory for SQLite databases (handler sqlite)")
	pgURL := flag.String("postgresql-url", "postgres://127.0.0.1:5432/ferretdb", "PostgreSQL URL (handler postgresql)")
	flag.Parse()

	cfg := ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}, Handler: *handler}
	switch *handler {
	case "sqlite":
		dir, err := filepath.Abs(*sqliteDir)
		if err != nil {
			log.Fatalf("ferretdb: sqlite dir: %v", err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatalf("ferretdb: create %s: %v", dir, err)
		}
		cfg.SQLiteURL = "file:" + dir + "/"
	case "postgresql":
		cfg.PostgreSQLURL = *pgURL
	default:
		log.Fatalf("ferretdb: unknown handler %q (want sqlite or postgresql)", *handler)
	}

	f, err := ferretdb.New(&cfg)
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The launcher waits for this line before it connects.
	fmt.Printf("ferretdb listening on %s (%s)\n", *listen, *handler)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatalf("ferretdb: %v", err)
	}
}
