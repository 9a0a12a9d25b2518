// String helpers of the runr demo project.
// The demo task adds slugify() (src/slugify.js) and wordCount() (src/word-count.js)
// and re-exports them from here.
export {};
