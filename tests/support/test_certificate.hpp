// A self-signed certificate made at test time, so no key material is committed.
#pragma once

#include <string>
#include <vector>

namespace gatecheck::testing {

struct TestCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
};

// An EC P-256 certificate for the given subject alternative names ("DNS:localhost", "IP:127.0.0.1").
TestCertificate make_self_signed_certificate(const std::string& common_name,
                                             const std::vector<std::string>& subject_alt_names);

}  // namespace gatecheck::testing
