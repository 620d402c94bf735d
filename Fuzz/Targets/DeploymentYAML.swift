// SPDX-License-Identifier: Apache-2.0
import HyphaManifests
import HyphaYAML

// A hypha.yaml (the whole input, read as UTF-8 with ill-formed bytes replaced)
// through the YAML reader and the deployment reader. Any text gives a value or an
// error; aliases never expand past the reader's node and depth limits; what the writer makes
// of the tree reads back as the same strings; an accepted deployment renders
// manifests that are YAML again.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeploymentYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    if let root = try? YAMLReader.read(text) {
        let (nodes, depth) = shape(root, upTo: YAMLReader.nodeLimit + 1)
        invariant(nodes <= YAMLReader.nodeLimit, "the tree has more than \(YAMLReader.nodeLimit) nodes")
        invariant(
            depth <= YAMLReader.depthLimit, "the tree nests \(depth) collections, more than \(YAMLReader.depthLimit)")
        // Rewriting a big expansion costs more than it finds.
        if nodes <= 10_000 { checkRewrite(root) }
    }
    if let (deployment, _) = try? DeploymentReader.read(text, file: "hypha.yaml") {
        for (name, manifest) in [
            ("compose", ComposeManifest.render(deployment)), ("kubernetes", KubernetesManifest.render(deployment)),
        ] {
            let reread: YAMLNode?
            do {
                reread = try YAMLReader.read(manifest)
            } catch {
                fatalError("the \(name) manifest is not YAML (\(error)):\n\(manifest)")
            }
            invariant(reread != nil, "the \(name) manifest is empty")
        }
    }
    return 0
}

/// The nodes in the tree (aliases counted once per use) and the most collections
/// nested one inside another; stops counting at `limit` nodes.
private func shape(_ root: YAMLNode, upTo limit: Int) -> (nodes: Int, depth: Int) {
    var count = 0
    var deepest = 0
    var pending = [(root, 1)]
    while let (node, depth) = pending.popLast(), count < limit {
        count += 1
        switch node {
        case .scalar: continue
        case .sequence(let items, _): pending += items.map { ($0, depth + 1) }
        case .mapping(let pairs, _):
            for pair in pairs { pending += [(pair.key, depth + 1), (pair.value, depth + 1)] }
        }
        deepest = max(deepest, depth)
    }
    return (count, deepest)
}

/// The tree, every scalar taken as a string, written by `YAMLWriter` and read back,
/// is the same tree: the writer quotes whatever a reader would take for something else.
private func checkRewrite(_ root: YAMLNode) {
    let value = strings(root)
    let written = YAMLWriter.document(value)
    let reread: YAMLNode?
    do {
        reread = try YAMLReader.read(written)
    } catch {
        fatalError("the writer's output does not read back (\(error)):\n\(written)")
    }
    invariant(
        reread.map(strings) == value,
        "\(value) was written as\n\(written)\nwhich reads back as \(String(describing: reread.map(strings)))")
}

/// `node` with every scalar as a string; pairs whose key is not a scalar are left out.
private func strings(_ node: YAMLNode) -> YAMLValue {
    switch node {
    case .scalar(let text, _, _):
        .string(text)
    case .sequence(let items, _):
        .sequence(items.map(strings))
    case .mapping(let pairs, _):
        .mapping(pairs.compactMap { pair in pair.key.scalarText.map { ($0, strings(pair.value)) } })
    }
}
