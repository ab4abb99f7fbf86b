Feature: 11. Security (extension: curve)
  CURVE is set up by configuration, not advertised on the wire, so these scenarios run only with
  `--curve` (otherwise they are reported "not tested"). The kit makes a key pair for its HQ and one
  for the turret, writes the HQ's public certificate (keys/hq.key) and the turret's secret one
  (keys/conformance.key_secret, mode 0600) beside the turret config and names them in it
  (curve_server_key, curve_secret_key). Its fake HQ binds CURVE servers whose ZAP handler admits
  only the turret's key, or, as the scenario says, an HQ with another key pair, a plain one, or one
  whose ZAP handler refuses the turret's key.

  @clause-11.4 @ext-curve
  Scenario: a turret given the keys speaks CURVE with the HQ that holds the matching secret key
    Spec 11.4 (MUST): "[ext-curve] A turret given `curve_server_key` and `curve_secret_key` MUST connect its SUB and its PUSH sockets as CURVE clients with its key pair and that server key; it exchanges no frame with an HQ that does not hold the matching secret key, nor with a plain HQ."
    Given the HQ speaks CURVE with the secret key matching the server key given to the turret
    And the turret config names the HQ's public key file and the turret's secret key file
    And a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds
    When the HQ broadcasts "stop"
    Then verify a "ready" status arrives within 10 seconds
    And verify the HQ admitted the turret's key on both sockets, and no other

  @clause-11.4 @ext-curve
  Scenario: a CURVE turret exchanges no frame with an HQ that does not hold the matching secret key
    Spec 11.4 (MUST): "[ext-curve] A turret given `curve_server_key` and `curve_secret_key` MUST connect its SUB and its PUSH sockets as CURVE clients with its key pair and that server key; it exchanges no frame with an HQ that does not hold the matching secret key, nor with a plain HQ."
    Given the HQ speaks CURVE with another key pair than the one given to the turret
    And the turret config names the HQ's public key file and the turret's secret key file
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify the turret connects to both sockets of the HQ within 10 seconds
    When the HQ sends "status_request" and "start" every half second for 3 seconds
    Then verify the HQ received no frame from the turret
    When the HQ holding the matching secret key takes over the same ports
    And the turret is ready
    Then verify the turret obeyed no command of the other HQ: it sent no result and says ready

  @clause-11.4 @ext-curve
  Scenario: a CURVE turret exchanges no frame with a plain HQ
    Spec 11.4 (MUST): "[ext-curve] A turret given `curve_server_key` and `curve_secret_key` MUST connect its SUB and its PUSH sockets as CURVE clients with its key pair and that server key; it exchanges no frame with an HQ that does not hold the matching secret key, nor with a plain HQ."
    Given the HQ speaks plain ZeroMQ
    And the turret config names the HQ's public key file and the turret's secret key file
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify the turret connects to both sockets of the HQ within 10 seconds
    When the HQ sends "status_request" and "start" every half second for 3 seconds
    Then verify the HQ received no frame from the turret

  @clause-11.3 @ext-curve
  Scenario: a secret key file that others may read is refused, in one line naming it
    Spec 11.3 (MUST): "[ext-curve] Key files MUST be ZeroMQ certificates holding Z85 keys; a program MUST refuse, with one line naming the file, a secret key file that the group or others may read (mode not 0600 or stricter) and a file that is not a certificate."
    Given the HQ speaks CURVE with the secret key matching the server key given to the turret
    And the turret config names the HQ's public key file and the turret's secret key file
    And the turret's secret key file may be read by others (mode 0644)
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify the process exits with a non-zero code within 10 seconds of the launch
    And verify its output names the turret's secret key file in one line

  @clause-11.3 @ext-curve
  Scenario: a key file that is not a certificate is refused, in one line naming it
    Spec 11.3 (MUST): "[ext-curve] Key files MUST be ZeroMQ certificates holding Z85 keys; a program MUST refuse, with one line naming the file, a secret key file that the group or others may read (mode not 0600 or stricter) and a file that is not a certificate."
    Given the HQ speaks CURVE with the secret key matching the server key given to the turret
    And the turret config names the HQ's public key file and the turret's secret key file
    And the HQ's public key file given to the turret is not a certificate (a PEM key)
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify the process exits with a non-zero code within 10 seconds of the launch
    And verify its output names the HQ's public key file in one line

  @clause-11.5 @ext-curve
  Scenario: a turret facing an HQ with another key says its handshake failed, and keeps trying
    Spec 11.5 (SHOULD): "[ext-curve] A turret whose CURVE handshake fails SHOULD say so in one line (the HQ holds another key, or does not speak CURVE) and keep trying: since libzmq stops reconnecting an endpoint after a mechanism mismatch or a refusal by the HQ's ZAP handler, the turret connects again itself (about every second), so an HQ fixed or replaced on the same ports is joined without restarting the turret."
    Given the HQ speaks CURVE with another key pair than the one given to the turret
    And the turret config names the HQ's public key file and the turret's secret key file
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify the turret says on stderr, in one line within 10 seconds, that its handshake failed
    And verify the process is still running
    When the HQ holding the matching secret key takes over the same ports
    Then verify a status arrives within 10 seconds

  @clause-11.5 @ext-curve
  Scenario: a turret facing a plain HQ says its handshake failed, and does not exit
    Spec 11.5 (SHOULD): "[ext-curve] A turret whose CURVE handshake fails SHOULD say so in one line (the HQ holds another key, or does not speak CURVE) and keep trying: since libzmq stops reconnecting an endpoint after a mechanism mismatch or a refusal by the HQ's ZAP handler, the turret connects again itself (about every second), so an HQ fixed or replaced on the same ports is joined without restarting the turret."
    Given the HQ speaks plain ZeroMQ
    And the turret config names the HQ's public key file and the turret's secret key file
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify the turret says on stderr, in one line within 10 seconds, that its handshake failed
    And verify the process is still running

  @clause-11.5 @ext-curve
  Scenario: a turret facing a plain HQ keeps trying, and joins the CURVE HQ that takes over its ports
    Spec 11.5 (SHOULD): "[ext-curve] A turret whose CURVE handshake fails SHOULD say so in one line (the HQ holds another key, or does not speak CURVE) and keep trying: since libzmq stops reconnecting an endpoint after a mechanism mismatch or a refusal by the HQ's ZAP handler, the turret connects again itself (about every second), so an HQ fixed or replaced on the same ports is joined without restarting the turret."
    Given the HQ speaks plain ZeroMQ
    And the turret config names the HQ's public key file and the turret's secret key file
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify the turret connects to both sockets of the HQ within 10 seconds
    And verify the turret says on stderr, in one line within 10 seconds, that its handshake failed
    When the HQ holding the matching secret key takes over the same ports
    Then verify the turret says "ready" to that HQ within 20 seconds, asked with "status_request" every second

  @clause-11.5 @ext-curve
  Scenario: a turret refused by the HQ's ZAP handler keeps trying, and joins the HQ that admits it
    Spec 11.5 (SHOULD): "[ext-curve] A turret whose CURVE handshake fails SHOULD say so in one line (the HQ holds another key, or does not speak CURVE) and keep trying: since libzmq stops reconnecting an endpoint after a mechanism mismatch or a refusal by the HQ's ZAP handler, the turret connects again itself (about every second), so an HQ fixed or replaced on the same ports is joined without restarting the turret."
    Given the HQ holds the matching secret key but its ZAP handler refuses the turret's key
    And the turret config names the HQ's public key file and the turret's secret key file
    And a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched
    Then verify the HQ's ZAP handler refuses the turret's key on both sockets within 10 seconds
    And verify the turret says on stderr, in one line within 10 seconds, that its handshake failed
    When the HQ holding the matching secret key takes over the same ports
    Then verify the turret says "ready" to that HQ within 20 seconds, asked with "status_request" every second
