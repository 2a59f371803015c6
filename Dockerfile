# syntax=docker/dockerfile:1
# Multi-stage build: a static gateway binary on a distroless base, run as a
# non-root user.
#
#   docker build --build-arg VERSION=$(git describe --always) -t astro-gateway .
#
# Base images. A tag can be moved; a digest cannot. Pin both by digest when
# building a release: resolve them on a machine with registry access with
#   docker buildx imagetools inspect golang:1.26.8-bookworm
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot
# and pass --build-arg GO_IMAGE=golang:1.26.8-bookworm@sha256:<index digest>
# (likewise RUNTIME_IMAGE). The defaults below are exact tags, not digests:
# this repository is built where no registry can be reached, and a digest
# that was never resolved would be a made-up one. The Go image's tag is the
# exact toolchain of go.mod; distroless publishes no version tags, so its
# tag names the Debian release and the non-root variant.
ARG GO_IMAGE=golang:1.26.8-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
COPY . .
ARG VERSION=dev
# No `go mod download`: that would fetch every module of go.mod, test
# tools included (a headless browser driver, linters). `go build` fetches
# only the modules whose packages the three commands import.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags "-s -w -X main.version=${VERSION}" -o /out/gateway . \
 && go build -ldflags "-s -w" -o /out/astrosim ./cmd/astrosim \
 && go build -ldflags "-s -w" -o /out/houstonsim ./cmd/houstonsim

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/ /usr/local/bin/
USER 65532:65532
# In the image, demo mode must be asked for: started with no backend and
# without DEMO=1 the gateway refuses to start rather than serve demo data
# with demo tokens to everyone (`docker run -e DEMO=1 …` for a demo).
ENV PORT=8080 DEMO_REQUIRES_OPT_IN=true LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/gateway"]
