// Package version holds build metadata that is injected at link time.
//
// The build sets these variables with the linker, for example:
//
//	go build -ldflags "-X <module>/internal/version.Version=1.2.3 -X <module>/internal/version.Commit=abc1234" ./cmd/<name>
//
// where <module> is the module path from go.mod. A plain `go build` or
// `go run` leaves the defaults below.
package version

// Version is the release version of the service, "dev" for local builds.
var Version = "dev"

// Commit is the VCS revision the binary was built from, empty when unknown.
var Commit = ""
