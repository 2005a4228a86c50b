// Package viz is the visualizer of attnviz without any graphics: the state
// a learner changes (text, cursor, settings, selected head and token,
// custom mask), the actions that change it, the recomputation of the
// attention trace with core/pipeline when (and only when) its inputs
// changed, heatmap pixels ([]byte RGBA, one pixel per cell) coloured with
// the exported colormaps Sequential and Diverging, the layout of every
// panel for a window size and scale, hit-testing, tooltips, notices, URL
// parameters and the JSON of the JavaScript API (notes/viz-contract.md).
//
// It imports neither Ebiten nor syscall/js (a test checks), so all of it is
// tested without a window, natively and under GOOS=js GOARCH=wasm with
// Node. viz/ebitenapp draws what an App holds; cmd/wasm and cmd/desktop
// connect it to a page or a window.
//
// Symbols: T tokens, d_model token width, H heads, d_k = d_model/H.
// Coordinates are screen (device) pixels; the UI scale U is the device
// scale factor, times 1.5 in presentation mode.
package viz
