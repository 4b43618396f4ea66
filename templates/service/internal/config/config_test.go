package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// env returns a getenv function backed by a map.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestFromEnvValid(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want Config
	}{
		{
			name: "defaults when nothing is set",
			vars: nil,
			want: Default(),
		},
		{
			name: "empty values mean default",
			vars: map[string]string{EnvPort: "", EnvLogLevel: "", EnvShutdownDrainDelay: "", EnvShutdownTimeout: ""},
			want: Default(),
		},
		{
			name: "all values set",
			vars: map[string]string{EnvPort: "9000", EnvLogLevel: "debug", EnvShutdownDrainDelay: "250ms", EnvShutdownTimeout: "1m"},
			want: Config{Port: 9000, LogLevel: slog.LevelDebug, ShutdownDrainDelay: 250 * time.Millisecond, ShutdownTimeout: time.Minute},
		},
		{
			name: "lowest port",
			vars: map[string]string{EnvPort: "1"},
			want: with(func(c *Config) { c.Port = 1 }),
		},
		{
			name: "highest port",
			vars: map[string]string{EnvPort: "65535"},
			want: with(func(c *Config) { c.Port = 65535 }),
		},
		{
			name: "log level warn",
			vars: map[string]string{EnvLogLevel: "warn"},
			want: with(func(c *Config) { c.LogLevel = slog.LevelWarn }),
		},
		{
			name: "log level is case-insensitive",
			vars: map[string]string{EnvLogLevel: "ERROR"},
			want: with(func(c *Config) { c.LogLevel = slog.LevelError }),
		},
		{
			name: "zero drain delay disables draining",
			vars: map[string]string{EnvShutdownDrainDelay: "0"},
			want: with(func(c *Config) { c.ShutdownDrainDelay = 0 }),
		},
		{
			name: "compound duration",
			vars: map[string]string{EnvShutdownTimeout: "1m30s"},
			want: with(func(c *Config) { c.ShutdownTimeout = 90 * time.Second }),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromEnv(env(tt.vars))
			if err != nil {
				t.Fatalf("FromEnv() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("FromEnv() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFromEnvInvalid(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want []string // substrings the error must contain
	}{
		{"port not a number", map[string]string{EnvPort: "http"}, []string{`PORT="http"`, "1 to 65535"}},
		{"port zero", map[string]string{EnvPort: "0"}, []string{`PORT="0"`}},
		{"port too large", map[string]string{EnvPort: "65536"}, []string{`PORT="65536"`}},
		{"port negative", map[string]string{EnvPort: "-1"}, []string{`PORT="-1"`}},
		{"port with spaces", map[string]string{EnvPort: " 8080"}, []string{`PORT=" 8080"`}},
		{"unknown log level", map[string]string{EnvLogLevel: "verbose"}, []string{`LOG_LEVEL="verbose"`, "debug, info, warn, error"}},
		{"log level with offset", map[string]string{EnvLogLevel: "info+2"}, []string{`LOG_LEVEL="info+2"`}},
		{"drain delay without unit", map[string]string{EnvShutdownDrainDelay: "5"}, []string{`SHUTDOWN_DRAIN_DELAY="5"`, "duration"}},
		{"negative drain delay", map[string]string{EnvShutdownDrainDelay: "-1s"}, []string{`SHUTDOWN_DRAIN_DELAY="-1s"`, "negative"}},
		{"timeout not a duration", map[string]string{EnvShutdownTimeout: "soon"}, []string{`SHUTDOWN_TIMEOUT="soon"`, "duration"}},
		{"zero timeout", map[string]string{EnvShutdownTimeout: "0s"}, []string{`SHUTDOWN_TIMEOUT="0s"`, "greater than zero"}},
		{"negative timeout", map[string]string{EnvShutdownTimeout: "-5s"}, []string{`SHUTDOWN_TIMEOUT="-5s"`}},
		{
			name: "every problem is reported at once",
			vars: map[string]string{EnvPort: "x", EnvLogLevel: "y", EnvShutdownDrainDelay: "z", EnvShutdownTimeout: "w"},
			want: []string{"invalid configuration", "PORT=", "LOG_LEVEL=", "SHUTDOWN_DRAIN_DELAY=", "SHUTDOWN_TIMEOUT="},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromEnv(env(tt.vars))
			if err == nil {
				t.Fatalf("FromEnv() = %+v, want an error", got)
			}
			for _, sub := range tt.want {
				if !strings.Contains(err.Error(), sub) {
					t.Errorf("error %q does not mention %q", err, sub)
				}
			}
		})
	}
}

func TestLoadReadsProcessEnvironment(t *testing.T) {
	t.Setenv(EnvPort, "18081")
	t.Setenv(EnvLogLevel, "debug")
	t.Setenv(EnvShutdownDrainDelay, "1s")
	t.Setenv(EnvShutdownTimeout, "2s")
	got, err := Load()
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	want := Config{Port: 18081, LogLevel: slog.LevelDebug, ShutdownDrainDelay: time.Second, ShutdownTimeout: 2 * time.Second}
	if got != want {
		t.Errorf("Load() = %+v, want %+v", got, want)
	}
}

func TestDefaultIsValid(t *testing.T) {
	d := Default()
	if d.Port < 1 || d.Port > 65535 {
		t.Errorf("default port %d out of range", d.Port)
	}
	if d.ShutdownDrainDelay < 0 || d.ShutdownTimeout <= 0 {
		t.Errorf("invalid default durations: %+v", d)
	}
}

// with returns the default configuration modified by f.
func with(f func(*Config)) Config {
	c := Default()
	f(&c)
	return c
}
