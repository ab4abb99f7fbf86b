Feature: 5. Turret messages
  Statuses and results are checked against spec/schemas with the validators of @oct/protocol.
  Each check covers every message the turret sent during the scenario.

  @clause-5.1 @must
  Scenario: every status message is valid
    Spec 5.1 (MUST): "Every status message MUST be valid against `status.schema.json`: it has `turret`, `status`, `uuid`, `rampup`, `script` and `canons` (`cannons` until an HQ has advertised protocol 1.x, 12.1)."
    Given a running turret with 2 canons and the "succeed_with_timer" fixture
    When the HQ broadcasts "status_request"
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify every status is valid against status.schema.json

  @clause-5.2 @must
  Scenario: every status word is a known state
    Spec 5.2 (MUST): "`status` MUST be one of `initialized`, `ready`, `running`, `aborted`, `killed`. Receivers compare case-insensitively."
    Given a running turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "status_request"
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify every status word is one of initialized, ready, running, aborted, killed in any case

  @clause-5.2.1 @should
  Scenario: status words are spelled in lower case
    Spec 5.2.1 (SHOULD): "A turret SHOULD send the canonical lower-case spelling."
    Given a running turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "status_request"
    And the HQ broadcasts "kill"
    And the HQ waits for a "killed" status within 2 seconds
    Then verify every status word is in lower case

  @clause-5.3 @must
  Scenario: every result message is valid
    Spec 5.3 (MUST): "Every result message MUST be valid against `result.schema.json`; a protocol 1.x turret MUST include `turret_name` and `uuid` once an HQ has advertised protocol 1.x to it (before that, 12.2)."
    Given a running turret with 2 canons and the "succeed_with_timer" fixture
    When the turret fires for 1 second
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify every result is valid

  @clause-5.3 @must
  Scenario: epoch is the wall-clock time in seconds
    Spec 5.3 (MUST): "Every result message MUST be valid against `result.schema.json`; a protocol 1.x turret MUST include `turret_name` and `uuid` once an HQ has advertised protocol 1.x to it (before that, 12.2)."
    Given a running turret with 1 canon and the "succeed_with_timer" fixture
    When the turret fires for 0.5 seconds
    Then verify every epoch is the wall-clock time in seconds, within 5 minutes of the kit's clock

  @clause-5.3.1 @must
  Scenario: a successful transaction has an empty error
    Spec 5.3.1 (MUST): "`error` MUST be the empty string when the transaction succeeded."
    Given a running turret with 1 canon and the "succeed_with_timer" fixture
    When the turret fires for 1 second
    Then verify every result has an empty error

  @clause-5.4 @must
  Scenario: custom timers are carried
    Spec 5.4 (MUST): "`custom_timers` MUST carry every timer the transaction set, name -> seconds."
    Given a running turret with 1 canon and the "succeed_with_timer" fixture
    When the turret fires for 1 second
    Then verify every result carries the custom timer "fixture_timer" above 0

  @clause-5.7 @should
  Scenario: epoch has sub-second precision and times are consistent
    Spec 5.7 (SHOULD): "`epoch` SHOULD have sub-second precision, and `elapsed` and `scriptrun_time` SHOULD be measured on a monotonic clock."
    Given a running turret with 1 canon and the "succeed_with_timer" fixture
    When the turret fires for 1 second
    Then verify epochs have sub-second precision and elapsed grows with the HQ's clock

  @clause-5.3.2 @should
  Scenario: a failed setup is reported as a result marked setup_failed
    Spec 5.3.2 (SHOULD): "A turret that reports a canon's failed setup (the step its scripts may run once per canon before the first transaction) as a result SHOULD mark it `setup_failed: true`, with the reason in `error`, to an HQ that advertised protocol 1.x; an HQ counts such results apart from transactions and leaves them out of latency statistics."
    Given the fixtures name a "fail_setup" script, or this is not tested
    And a ready turret with 1 canon and the "fail_setup" fixture
    When the HQ broadcasts "start"
    And the turret fires for 2 seconds
    And the turret is judged as a protocol 1.x turret, unless it is a legacy one
    Then verify every result reporting the failed setup is marked setup_failed, with the reason in error
