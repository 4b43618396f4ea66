package server

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		wantErr bool
	}{
		{"healthy", http.StatusOK, false},
		{"unavailable", http.StatusServiceUnavailable, true},
		{"server error", http.StatusInternalServerError, true},
		{"redirect is not followed", http.StatusFound, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.status == http.StatusFound {
					http.Redirect(w, r, "/elsewhere", tt.status)
					return
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()

			err := Probe(srv.URL+"/health", time.Second)
			if (err != nil) != tt.wantErr {
				t.Errorf("Probe() error = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}

func TestProbeNothingListening(t *testing.T) {
	// Reserve a port, then free it so nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	if err := Probe("http://"+addr+"/health", time.Second); err == nil {
		t.Error("Probe() = nil, want a connection error")
	}
}

func TestProbeTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release) // runs before srv.Close, which waits for handlers

	start := time.Now()
	if err := Probe(srv.URL+"/health", 100*time.Millisecond); err == nil {
		t.Error("Probe() = nil, want a timeout error")
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("Probe() took %v, want about 100ms", elapsed)
	}
}
