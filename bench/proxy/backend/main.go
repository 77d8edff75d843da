// Command backend is the benchmark upstream: it answers every request with a 64-byte body.
package main

import (
	"flag"
	"log"
	"net/http"
)

var body = []byte("0123456789012345678901234567890123456789012345678901234567890123")

func main() {
	addr := flag.String("listen", "127.0.0.1:18081", "listen address")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = []string{"text/plain"}
		w.Write(body)
	})))
}
