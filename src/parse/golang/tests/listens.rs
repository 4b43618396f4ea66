//! Listen addresses and port defaults.

use super::*;

#[test]
fn listen_calls_and_server_addr() {
    let src = r#"package main
import (
	"net"
	"net/http"
	"strconv"
)
const addr = ":8081"
func main() {
	go http.ListenAndServe(":8080", nil)
	go http.ListenAndServeTLS(addr, "c", "k", nil)
	ln, _ := net.Listen("tcp", net.JoinHostPort("", "9000"))
	http.Serve(ln, nil)
	srv := &http.Server{Addr: cfg.Addr}
	srv.Addr = "0.0.0.0:7000"
	_ = net.Listen("tcp", ":"+strconv.Itoa(9100))
}
"#;
    let f = parse(src);
    assert_eq!(
        listens(src),
        [
            (":8081".into(), Some(8081), "const".into()),
            (":8080".into(), Some(8080), "ListenAndServe".into()),
            (":8081".into(), Some(8081), "ListenAndServe".into()),
            (":9000".into(), Some(9000), "net.Listen".into()),
            ("cfg.Addr".into(), None, "Server.Addr".into()),
            ("0.0.0.0:7000".into(), Some(7000), "Server.Addr".into()),
            (":9100".into(), Some(9100), "net.Listen".into()),
        ]
    );
    assert!(f.listens[4].unresolved);
    let calls: Vec<&str> = f.default_server_calls.iter().map(|c| c.function.as_str()).collect();
    assert_eq!(calls, ["http.ListenAndServe", "http.ListenAndServeTLS", "http.Serve"]);
    assert_eq!(f.listens[1].pos, Pos::new(9, 25));
}

#[test]
fn env_with_default_patterns() {
    let src = r#"package main
import (
	"cmp"
	"net/http"
	"os"
	"strconv"
)
func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.ListenAndServe(":"+port, nil)
	addr := cmp.Or(os.Getenv("HTTP_ADDR"), ":9090")
	metrics := getEnv("METRICS_PORT", "9100")
	level := cmp.Or(os.Getenv("LOG_LEVEL"), "info")
	p, ok := os.LookupEnv("APP_PORT")
	if !ok {
		p = "3000"
	}
	n, err := strconv.Atoi(os.Getenv("GRPC_PORT"))
	if err != nil {
		n = 50051
	}
}
"#;
    let got = listens(src);
    assert_eq!(
        got,
        [
            ("8080".into(), Some(8080), "env default".into()),
            ("\":\"+port".into(), None, "ListenAndServe".into()),
            (":9090".into(), Some(9090), "env default".into()),
            ("9100".into(), Some(9100), "env default".into()),
            ("3000".into(), Some(3000), "env default".into()),
            ("50051".into(), Some(50051), "env default".into()),
        ]
    );
}

#[test]
fn flag_config_const_tag_and_field_defaults() {
    let src = r#"package main
import (
	"flag"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)
const DefaultPort = 8080
const httpPort uint16 = 8090
const EnvPort = "PORT"
const readHeaderTimeout = 5
type Config struct {
	Port     int    `env:"PORT" envDefault:"8081"`
	Level    string `env:"LEVEL" envDefault:"info"`
	Listen   string `default:":8082"`
}
func main() {
	addr := flag.String("addr", ":8083", "listen address")
	var port int
	flag.IntVar(&port, "port", 8084, "port")
	pflag.StringP("metrics-addr", "m", ":8085", "")
	fs := flag.NewFlagSet("x", flag.ExitOnError)
	fs.Int("http-port", 8086, "")
	cmd.Flags().StringVar(&a, "listen", ":8087", "")
	flag.Int("workers", 8, "")
	viper.SetDefault("server.port", 8088)
	cfg := Config{Port: 8089, Workers: 4}
}
"#;
    let got = listens(src);
    let hows: Vec<(Option<u16>, &str)> = got.iter().map(|(_, p, h)| (*p, h.as_str())).collect();
    assert_eq!(
        hows,
        [
            (Some(8080), "const"),
            (Some(8090), "const"),
            (Some(8081), "env default"),
            (Some(8082), "env default"),
            (Some(8083), "flag default"),
            (Some(8084), "flag default"),
            (Some(8085), "flag default"),
            (Some(8086), "flag default"),
            (Some(8087), "flag default"),
            (Some(8088), "config default"),
            (Some(8089), "field default"),
        ]
    );
}

#[test]
fn listen_strings_elsewhere_are_not_listens() {
    let src = r#"package main
import "net/http"
// http.ListenAndServe(":8080", nil)
func main() {
	fmt.Println("http.ListenAndServe(\":8080\")")
	timeout := 8080
	url := "http://localhost:8080/health"
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		redisURL = "localhost:6379"
	}
	level := os.Getenv("LOG_LEVEL")
	if level == "" {
		level = "8080"
	}
	req.RemoteAddr = "192.0.2.1:1234"
	addrMode := 16
	cfg.Flags = Config{ReportPort: 0x1F90}
}
const (
	DW_AT_return_addr = 0x2a
	PR_ADDR           = 2
	maxReportSize     = 8080
	listenBacklog     = 128
	emailAddress      = "ops@example.com"
	ERROR_PORT_NOT_SET syscall.Errno = 642
	SVCParamPort       SVCParamKey   = 3
)
"#;
    let f = parse(src);
    assert!(f.listens.is_empty(), "{:?}", f.listens);
    assert!(f.default_server_calls.is_empty());
}
