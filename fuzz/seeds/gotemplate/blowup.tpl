{{ $s := repeat 1000 "x" }}{{ range until 1000 }}{{ $s }}{{ range until 1000 }}{{ $s }}{{ end }}{{ end }}
