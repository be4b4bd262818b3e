{
  "targets": [
    {
      "target_name": "jitkit",
      "sources": ["native/jitkit.c", "native/ffi.c"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8"],
      "libraries": ["-ldl", "-lpthread"]
    }
  ]
}
