# Two images from one file:
#   docker build --target manager -t langflix-operator:latest .
#   docker build --target runner  -t langflix-runner:latest .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY api/ api/
COPY controllers/ controllers/
COPY runner/ runner/
COPY cmd/ cmd/
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/manager ./cmd/manager && \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/langflix/langflix-operator/runner/cli.Version=${VERSION}" \
      -o /out/langflix-runner ./cmd/runner

# The operator: a static binary alone, non-root (it needs no system CA: it trusts the cluster's CA from its
# ServiceAccount mount).
FROM scratch AS manager
COPY --from=build /out/manager /manager
USER 65532:65532
ENTRYPOINT ["/manager"]

# The runner: ffmpeg and a CJK font are its real dependencies; espeak-ng speaks slide audio.
FROM debian:bookworm-slim AS runner
RUN apt-get update && \
    apt-get install -y --no-install-recommends ffmpeg fonts-noto-cjk fontconfig espeak-ng ca-certificates && \
    rm -rf /var/lib/apt/lists/* && \
    groupadd --gid 65532 nonroot && useradd --uid 65532 --gid 65532 --no-create-home --shell /usr/sbin/nologin nonroot
COPY --from=build /out/langflix-runner /usr/local/bin/langflix-runner
USER 65532:65532
ENV HOME=/tmp TMPDIR=/tmp
ENTRYPOINT ["/usr/local/bin/langflix-runner"]
