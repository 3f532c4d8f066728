// Validate Kubernetes manifests against the API's OpenAPI schemas, as the
// kubernetes-models package compiles them (Kubernetes 1.x types, ajv).
// Usage: node validate.js FILE... ; prints one line per object and exits 1
// when any object is invalid. Kinds without a schema here (Kustomization,
// SeccompProfile) are listed as "no schema", never counted as valid.
"use strict";
const fs = require("fs");
const yaml = require("js-yaml");

function modelFor(apiVersion, kind) {
	const path = apiVersion.includes("/") ? apiVersion : apiVersion; // core: "v1"
	try {
		return require(`kubernetes-models/${path}/${kind}`)[kind];
	} catch (e) {
		return null;
	}
}

let bad = 0;
for (const file of process.argv.slice(2)) {
	const docs = yaml.loadAll(fs.readFileSync(file, "utf8"));
	docs.forEach((doc, i) => {
		if (!doc) return;
		const where = `${file}#${i}: ${doc.apiVersion} ${doc.kind} ${doc.metadata && doc.metadata.name}`;
		const Model = modelFor(doc.apiVersion || "", doc.kind || "");
		if (!Model) {
			console.log(`${where}: no schema`);
			return;
		}
		try {
			new Model(doc).validate();
			console.log(`${where}: valid`);
		} catch (e) {
			bad++;
			console.log(`${where}: INVALID: ${e.message}`);
		}
	});
}
process.exit(bad ? 1 : 0);
