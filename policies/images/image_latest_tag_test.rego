package paved.rules.image_latest_tag_test

import rego.v1

import data.paved.rules.image_latest_tag as rule

img(image, ref) := {"image": image, "ref": ref, "context": "FROM", "line": 1, "col": 6}

test_fires_for_latest_and_untagged if {
	count(rule.findings) == 2 with input as {"images": [
		img("nginx:latest", {"registry": null, "repository": "nginx", "tag": "latest", "digest": null}),
		img("host:5000/app", {"registry": "host:5000", "repository": "app", "tag": null, "digest": null}),
	]}
}

test_quiet_for_pinned_digest_and_unjudged if {
	count(rule.findings) == 0 with input as {"images": [
		img("nginx:1.27", {"registry": null, "repository": "nginx", "tag": "1.27", "digest": null}),
		img("nginx@sha256:ab", {"registry": null, "repository": "nginx", "tag": null, "digest": "sha256:ab"}),
		img("golang:${GO}", null),
	]}
}

# CircleCI `docker:` images: the primary container (`image`) and the ones beside it (`service`);
# an image holding a `<< parameters.x >>` expression has no ref and is not judged.
circleci_img(image, ref, context) := {"image": image, "ref": ref, "context": context, "line": 5, "col": 16}

test_circleci_docker_images if {
	count(rule.findings) == 2 with input as {"kind": "circleci", "images": [
		circleci_img("golang", {"registry": null, "repository": "golang", "tag": null, "digest": null}, "image"),
		circleci_img("cimg/postgres:latest", {"registry": null, "repository": "cimg/postgres", "tag": "latest", "digest": null}, "service"),
		circleci_img("cimg/go:1.22", {"registry": null, "repository": "cimg/go", "tag": "1.22", "digest": null}, "image"),
		circleci_img("cimg/go:<< parameters.go >>", null, "image"),
	]}
}
