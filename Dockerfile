# Multi-stage build: a static gateway binary on a distroless base, run as a
# non-root user. Build: docker build --build-arg VERSION=$(git describe --always) -t astro-gateway .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/gateway . \
 && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/astrosim ./cmd/astrosim \
 && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/houstonsim ./cmd/houstonsim

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ /usr/local/bin/
USER nonroot:nonroot
ENV PORT=8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/gateway"]
