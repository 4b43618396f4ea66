# METADATA
# title: Image uses the latest tag, or no tag at all
# description: >-
#   A container image is referenced with the tag `latest`, or with neither tag nor digest
#   (which means `latest`): in Dockerfile FROM, Kubernetes containers and initContainers,
#   rendered Helm charts, GitLab CI `image:`/`services:`, GitHub Actions
#   `container:`/`services:`/`docker://` steps (also in a repository's own actions, with a
#   Docker action's `runs.image: docker://...`) and CircleCI `docker:` images of jobs and
#   executors. A registry port (`host:5000/app`) is not a tag;
#   `FROM <earlier stage>` and `FROM scratch` are not images; references that still hold an
#   unresolved variable are not judged.
# custom:
#   id: image-latest-tag
#   severity: error
#   rationale: >-
#     `latest` moves: the same manifest or Dockerfile pulls different software from one day to
#     the next, builds stop being reproducible, a rollback does not roll back, and nodes that
#     cached different images run different code.
#   fix: "Pin a version tag (`golang:1.26.8-bookworm`), ideally with a digest (`nginx:1.27.3@sha256:...`)."
#   examples:
#     bad: "FROM golang"
#     good: "FROM golang:1.26.8-bookworm"
package paved.rules.image_latest_tag

import rego.v1

findings contains f if {
	some i, img in input.images
	img.ref != null
	data.paved.lib.images.floating(img.ref)
	f := {"msg": message(img), "pointer": sprintf("/images/%d", [i])}
}

message(img) := sprintf("image %q uses the `latest` tag", [img.image]) if img.ref.tag == "latest"

message(img) := sprintf("image %q has no tag or digest, so it pulls `latest`", [img.image]) if img.ref.tag == null
