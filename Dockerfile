# syntax=docker/dockerfile:1
# gatecheck in a container (docs/ci.md#docker-image): the first stage builds Release and packs the .deb, the
# second installs that .deb into a clean Debian 12, so that the runtime libraries are the package's Depends
# (computed by dpkg-shlibdeps) and nothing else.
#   docker build --build-arg GATECHECK_COMMIT=$(git rev-parse --short=12 HEAD) -t gatecheck .
#   docker run --rm gatecheck                                  # the bundled suites against the embedded mock
#   docker run --rm -e GW_KEY -v "$PWD/out:/work/out" --user "$(id -u):$(id -g)" gatecheck \
#     run --target https://gw.example.com --api-key-env GW_KEY --report junit=out/junit.xml

FROM debian:12-slim AS build
WORKDIR /src
# The build dependencies: scripts/setup's one list (--package adds dpkg-dev and file for cpack's shlibdeps).
COPY scripts/setup scripts/setup
RUN scripts/setup --package && rm -rf /var/lib/apt/lists/*
COPY . .
# The commit --version names (the context has no .git, see .dockerignore; empty: "unknown").
ARG GATECHECK_COMMIT=
# Where reports link each check's documentation: a hosted copy, for reports read outside the container (an MR
# note, a job summary); empty: the docs installed in the image (file:///usr/share/doc/gatecheck/docs/).
ARG GATECHECK_DOCS_URL=
RUN --mount=type=cache,target=/root/.cache/ccache \
    cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATECHECK_TESTS=OFF \
          -DCMAKE_INSTALL_PREFIX=/usr -DGATECHECK_COMMIT="${GATECHECK_COMMIT}" \
          -DGATECHECK_DOCS_URL="${GATECHECK_DOCS_URL}" \
 && cmake --build /build --parallel "$(nproc)" \
 && cd /build && cpack -G DEB -B /out \
 && cp /out/gatecheck_*.deb /out/gatecheck.deb

FROM debian:12-slim
COPY --from=build /out/gatecheck.deb /tmp/gatecheck.deb
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/gatecheck.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/gatecheck.deb \
 && groupadd --gid 10001 gatecheck \
 && useradd --uid 10001 --gid gatecheck --create-home --home-dir /home/gatecheck --shell /usr/sbin/nologin gatecheck \
 && mkdir /work && chown gatecheck:gatecheck /work \
 && gatecheck --version
USER gatecheck
WORKDIR /work
ENTRYPOINT ["gatecheck"]
CMD ["run"]
