// Command backend is the benchmark upstream (and the tiny backend of the docs/proxy.md
// example): it answers every request with a 64-byte body, and with X-Served-By when -name is
// set.
package main

import (
	"flag"
	"log"
	"net/http"
)

var body = []byte("0123456789012345678901234567890123456789012345678901234567890123")

func main() {
	addr := flag.String("listen", "127.0.0.1:18081", "listen address")
	name := flag.String("name", "", "value of the X-Served-By response header (none when empty)")
	flag.Parse()
	served := []string{*name}
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = []string{"text/plain"}
		if *name != "" {
			w.Header()["X-Served-By"] = served
		}
		w.Write(body)
	})))
}
