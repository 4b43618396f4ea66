module example.com/x

go 1.22
toolchain go1.22.1

require (
	github.com/a/b v1.2.3 // indirect
	github.com/c/d v0.0.0-20200101000000-abcdef123456
)

replace github.com/a/b => ../b
replace (
	x v1 => y v2
)
exclude z v1.0.0
retract [v1.0.0, v1.1.0]
// unterminated (
require (
