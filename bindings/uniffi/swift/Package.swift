// swift-tools-version:5.7
// Hooksig for Swift: the uniffi-generated sources over the hooksig-uniffi
// Rust library. Build the library first (`cargo build --release -p
// hooksig-uniffi` at the repository root), then link it, e.g.
// `swift build -Xlinker -L../../../target/release`; for iOS, package the
// static library of each target into an XCFramework and use a binaryTarget.
import PackageDescription

let package = Package(
    name: "Hooksig",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "Hooksig", targets: ["Hooksig"]),
    ],
    targets: [
        // The C declarations of the Rust library's exports (generated).
        .systemLibrary(name: "HooksigFFI", path: "Sources/HooksigFFI"),
        .target(
            name: "Hooksig",
            dependencies: ["HooksigFFI"],
            path: "Sources/Hooksig",
            linkerSettings: [.linkedLibrary("hooksig_uniffi")]
        ),
    ]
)
