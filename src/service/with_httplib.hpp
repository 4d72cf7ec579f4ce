// Includes <httplib.h> with the feature macros the installed library was compiled with.
//
// Why: Debian's libcpp-httplib is built with CPPHTTPLIB_OPENSSL_SUPPORT, CPPHTTPLIB_ZLIB_SUPPORT
// and CPPHTTPLIB_BROTLI_SUPPORT (the Cflags of its cpp-httplib.pc), and the header changes class
// layouts with them: httplib::Client has an extra `is_ssl_` member. Included without them, our
// Client is smaller than the one the library's constructor writes to: stack corruption. The
// header of this package declares only; OpenSSL, zlib and Brotli are linked by the library itself.
// (Better: set them on the baton_httplib CMake target; these guards then do nothing.)
#pragma once

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#endif
#include <httplib.h>
