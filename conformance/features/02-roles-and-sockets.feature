Feature: 2. Roles and sockets
  The kit plays the HQ: it binds a PUB socket for commands and a PULL socket for status and
  results on loopback, writes the turret config with those ports and launches the turret.

  @clause-2.2 @must
  Scenario: the turret receives broadcast commands on its SUB socket
    Spec 2.2 (MUST): "A turret MUST connect a SUB socket to the HQ's PUB socket and subscribe to the empty topic `""`, so it receives broadcasts and direct orders."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "status_request"
    Then verify a status arrives within 1 second
    # restated: the turret receives broadcasts, so it is subscribed to ""

  @clause-2.3 @must
  Scenario: status and results arrive on the HQ's PULL socket
    Spec 2.3 (MUST): "A turret MUST connect a PUSH socket to the HQ's PULL socket and send every status and result message on it."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds
    And verify a status_request is answered within 1 second

  @clause-2.4 @must
  Scenario: the turret starts before the HQ listens
    Spec 2.4 (MUST): "A turret MUST work whichever side starts first: it does not require the HQ to be listening when it starts (ZeroMQ reconnects)."
    Given a turret with 1 canon, a rampup of 0 seconds and the "succeed_with_timer" fixture
    When the turret is launched 2 seconds before the HQ listens
    Then verify a status arrives within 5 seconds
    And verify the process is still running
