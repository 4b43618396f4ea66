package main

import (
	"net/http"
	grpc "google.golang.org/grpc"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.ListenAndServe() }()
	_ = http.ListenAndServe(`:9090`, nil)
	s := grpc.NewServer()
	_ = s
}
