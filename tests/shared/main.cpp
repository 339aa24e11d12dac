// Catch2 supplies main(); kept in its own file so the test files compile quickly.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
