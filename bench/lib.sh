# shellcheck shell=bash
# Shared by the build benchmarks (source it): the two Go modules they build and the plain
# `go build` commands that gocross's plan amounts to.
#   setup_modules WORK SHFMT_VERSION  copies examples/hello to WORK/hello and shfmt (mvdan.cc/sh/v3
#                                     from the Go module proxy) to WORK/shfmt, each a git
#                                     repository with a gocross.yaml
#   emit GOCROSS DIR VERSION          writes DIR/plan.json, DIR/loop.txt (one `env ... go build
#                                     -o loop-dist/<output> ...` line per job and binary, its exact
#                                     environment, flags and -ldflags) and DIR/.goreleaser.yaml
#                                     (one build per job and binary, same settings)
#   audit_corpus WORK                 builds examples/hello for 16 ports, plain and stripped,
#                                     into WORK/go and sets `files` to them plus every regular
#                                     ELF file in /usr/bin (what the audit benchmarks read)

setup_modules() { # work shfmt_version
  local work=$1 shfmt_dir m
  cp -r examples/hello "$work/hello"
  rm -rf "$work/hello/dist"
  shfmt_dir=$(cd "$work" && go mod download -json "mvdan.cc/sh/v3@$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  cp -r "$shfmt_dir" "$work/shfmt"
  chmod -R u+w "$work/shfmt"
  printf 'version: 1\nmain: ./cmd/shfmt\nldflags: -s -w -X main.version={{version}}\n' > "$work/shfmt/gocross.yaml"
  for m in hello shfmt; do
    (cd "$work/$m" && git init -q && git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm bench)
  done
}

emit() { # gocross dir version
  local dir=$2
  "$1" -C "$dir" plan --json > "$dir/plan.json"
  python3 - "$dir" "$3" <<'PY'
import json, shlex, sys
dir, version = sys.argv[1], sys.argv[2]
plan = json.load(open(f"{dir}/plan.json"))
cleared = "GOOS GOARCH GOARM GOAMD64 GOARM64 GO386 GOMIPS GOMIPS64 GOPPC64 GORISCV64 CGO_ENABLED CC CXX GOFLAGS CGO_CFLAGS CGO_CPPFLAGS CGO_CXXFLAGS CGO_FFLAGS CGO_LDFLAGS".split()
with open(f"{dir}/loop.txt", "w") as loop:
    for job in plan["jobs"]:
        for bin in job["binaries"]:
            ldflags = bin["ldflags"].replace("{{version}}", version)
            args = ["go", "build", "-o", f"loop-dist/{bin['output']}", *bin["flags"]]
            if bin["tags"]:
                args += ["-tags", ",".join(bin["tags"])]
            args += ["-ldflags", ldflags, bin["package"]]
            env = ["env"] + [f"-u{v}" for v in cleared] + [f"{k}={v}" for k, v in bin["env"].items()]
            loop.write(" ".join(shlex.quote(a) for a in env + args) + "\n")
builds = []
for job in plan["jobs"]:
    goos, goarch = job["target"].split("/")[:2]
    for bin in job["binaries"]:
        b = {
            "id": f"b{len(builds)}", "main": bin["package"], "binary": bin["output"],
            "no_unique_dist_dir": True,
            "env": [f"{k}={v}" for k, v in bin["env"].items() if k not in ("GOOS", "GOARCH", "GOARM")],
            "flags": bin["flags"], "tags": bin["tags"],
            "ldflags": [bin["ldflags"].replace("{{version}}", "{{.Version}}")],
            "goos": [goos], "goarch": [goarch],
        }
        if "GOARM" in bin["env"]:
            b["goarm"] = [bin["env"]["GOARM"]]
        builds.append(b)
json.dump({"version": 2, "project_name": plan["project"], "builds": builds,
           "snapshot": {"version_template": version}},
          open(f"{dir}/.goreleaser.yaml", "w"), indent=1)
PY
}

audit_corpus() { # work
  local t os arch f
  echo "==> building the Go corpus" >&2
  mkdir -p "$1/go"
  for t in linux/amd64 linux/386 linux/arm linux/arm64 linux/riscv64 linux/ppc64le linux/s390x \
    linux/mips64le linux/loong64 windows/amd64 windows/386 windows/arm64 darwin/amd64 \
    darwin/arm64 freebsd/amd64 wasip1/wasm; do
    os=${t%/*} arch=${t#*/}
    (cd examples/hello && CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -o "$1/go/hello_${os}_${arch}" .)
    (cd examples/hello && CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags='-s -w' \
      -o "$1/go/hello_${os}_${arch}_stripped" .)
  done
  files=("$1"/go/*)
  while IFS= read -r -d '' f; do
    if [ "$(head -c 4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; then files+=("$f"); fi
  done < <(find /usr/bin -maxdepth 1 -type f -readable -print0 | sort -z)
}

# Seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# The median of the numbers on stdin, one per line.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
