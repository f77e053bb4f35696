// A tiny HTTP service shipped as the only file in its image: no shell, no tools. It is what a
// distroless production image looks like from the inside, and why ephemeral debug containers exist.
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	start := time.Now()
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ok, up %s\n", time.Since(start).Round(time.Second))
	})
	fmt.Fprintln(os.Stdout, "static-app listening on :8080")
	if err := http.ListenAndServe(":8080", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
