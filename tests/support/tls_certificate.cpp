#include "tls_certificate.hpp"

#include "child_process.hpp"

#include <stdlib.h>
#include <filesystem>
#include <stdexcept>

namespace orbit::test {

TlsCertificate::TlsCertificate() {
  char dir[] = "/tmp/orbit-tls-XXXXXX";
  if (!mkdtemp(dir)) throw std::runtime_error("mkdtemp failed");
  dir_ = dir;
  cert_ = dir_ + "/cert.pem";
  key_ = dir_ + "/key.pem";
  const Ran made = runToEnd({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                             "1", "-subj", "/CN=localhost", "-keyout", key_, "-out", cert_});
  if (made.code != 0)
    throw std::runtime_error("openssl could not make a certificate: " + made.errors);
}

TlsCertificate::~TlsCertificate() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace orbit::test
