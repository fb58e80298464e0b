// Prepended to the ES2015 rebuild of htmx by scripts/vendor-static.sh, inside its guard (browsers
// with getRootNode: Chrome 54 and later). htmx 2 calls two built-ins that came later, each on a
// path every page takes: Array.prototype.flat (Chrome 69, when htmx processes the page) and
// Object.fromEntries (Chrome 73, on the form values of a request). Only what is missing is added.
if (!Array.prototype.flat) {
  Object.defineProperty(Array.prototype, "flat", {
    configurable: true, writable: true,
    value: function () { return Array.prototype.concat.apply([], this); } // depth 1: all htmx asks
  });
}
if (!Object.fromEntries) {
  Object.fromEntries = function (entries) {
    var out = {};
    Array.from(entries).forEach(function (pair) { out[pair[0]] = pair[1]; });
    return out;
  };
}
