#pragma once

#include <string>
#include <vector>

namespace orbit::test {

// A fresh self-signed certificate for localhost (made by the openssl program) and its key,
// as PEM files in a temporary directory that goes away with this object.
class TlsCertificate {
 public:
  TlsCertificate();  // throws when openssl fails
  ~TlsCertificate();
  TlsCertificate(const TlsCertificate&) = delete;
  TlsCertificate& operator=(const TlsCertificate&) = delete;

  const std::string& certPath() const { return cert_; }
  const std::string& keyPath() const { return key_; }
  // orbit-server's flags for it.
  std::vector<std::string> serverArgs() const { return {"--tls-cert", cert_, "--tls-key", key_}; }

 private:
  std::string dir_;
  std::string cert_;
  std::string key_;
};

}  // namespace orbit::test
