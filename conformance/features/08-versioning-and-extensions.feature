Feature: 8. Versioning and extensions
  The HQ advertises capabilities in the msg of status_request; the turret advertises its own in
  its status. An extension is used only when both sides advertised it. Extension scenarios are
  tagged @ext-<name> and are "not applicable" when the turret does not advertise the extension.

  @clause-8.1 @must
  Scenario: commands with unknown fields are obeyed
    Spec 8.1 (MUST): "This is protocol major version 1. Receivers MUST ignore fields they do not know; new fields are optional and never become required within a major version."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "status_request" with an extra field "future_field"
    Then verify a status arrives within 1 second
    When the HQ broadcasts "start" with an extra field "future_field"
    Then verify results arrive within 5 seconds

  @clause-8.2 @must
  Scenario: the turret advertises its protocol and capabilities
    Spec 8.2 (MUST): "A protocol 1.x turret MUST include `protocol` and `capabilities` in its status messages once an HQ has advertised protocol 1.x to it (before that, section 12)."
    Given the HQ advertises the capabilities "batch, protobuf, accounting"
    And a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "start"
    And the turret fires for 0.5 seconds
    And the turret is judged as a protocol 1.x turret, unless it is a legacy one
    Then verify every status carries protocol "1.x" and a capabilities list

  @clause-8.3 @must
  Scenario: an HQ that advertises nothing gets the plain protocol
    Spec 8.3 (MUST): "Each side MUST use an extension only when both advertised it: a turret that has not seen the HQ advertise a capability speaks the plain protocol."
    Given the HQ advertises nothing, as an OCT 0.4 HQ
    And a running turret with 3 canons and the "succeed_with_timer" fixture
    When the turret fires for 1.5 seconds
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify the turret spoke the plain protocol: single JSON results, no seq, no results_sent

  @clause-8.3 @must
  Scenario: an HQ that advertises only batch gets no protobuf and no accounting
    Spec 8.3 (MUST): "Each side MUST use an extension only when both advertised it: a turret that has not seen the HQ advertise a capability speaks the plain protocol."
    Given the HQ advertises the capabilities "batch"
    And a running turret with 3 canons and the "succeed_with_timer" fixture
    When the turret fires for 1.5 seconds
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify the turret used no extension but "batch"

  @clause-8.4 @ext-batch
  Scenario: result batches are valid
    Spec 8.4 (MUST): "[ext-batch] With `batch`, every `result-batch` message a turret sends MUST be valid against `result-batch.schema.json`, and each result in it MUST be valid as in 5.3 with the batch's `turret_name` and `uuid`."
    Given the HQ advertises the capabilities "batch"
    And a ready turret with 3 canons and the "succeed_with_timer" fixture
    And the turret advertised "batch"
    When the HQ broadcasts "start"
    And the turret fires for 1.5 seconds
    Then verify every batch is valid and names this turret
    And verify every result is valid

  @clause-8.6 @clause-8.6.3 @ext-accounting
  Scenario: accounting numbers results without gaps and counts them
    Spec 8.6 (MUST): "[ext-accounting] With `accounting`, every result MUST carry `seq`, numbered from 0 at each start without gaps."
    Spec 8.6.3 (MUST): "[ext-accounting] With `accounting`, every status after a stop MUST carry `results_sent`, the number of results sent since that start."
    Given the HQ advertises the capabilities "batch, protobuf, accounting"
    And a ready turret with 3 canons and the "succeed_with_timer" fixture
    And the turret advertised "accounting"
    When the HQ broadcasts "start"
    And the turret fires for 1.5 seconds
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify seq runs from 0 without gaps and results_sent equals the results received
    When the HQ broadcasts "start"
    And the turret fires for 1 second
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify seq runs from 0 without gaps and results_sent equals the results received

  @clause-8.9 @clause-8.9.1 @clause-8.9.2 @ext-session
  Scenario: session: the statuses name the run of the start obeyed, and frame its results
    Spec 8.9 (MUST): "[ext-session] With `session`, a turret MUST include in every status the `run_id` of the last `start` it obeyed, when that start carried one."
    Spec 8.9.1 (MUST): "[ext-session] With `session`, a turret MUST send its `running` status before the first result of a start."
    Spec 8.9.2 (MUST): "[ext-session] With `session`, a turret MUST send every result of a start before its first status that no longer says `running`."
    Given the HQ advertises the capabilities "session, accounting"
    And a ready turret with 2 canons and the "succeed_with_timer" fixture
    And the turret advertised "session"
    When the HQ broadcasts "start"
    And the turret fires for 1 second
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify every status since the start names the run_id sent with it
    And verify the running status came before the first result, and every result before the first status not running after it

  @clause-8.10 @ext-session
  Scenario: session: another run's advertisement stops a running turret, which obeys the new run's start
    Spec 8.10 (MUST): "[ext-session] With `session`, a running turret that receives an advertisement whose `run_id` differs from that of the `start` it is running (or that started without one) MUST stop as on `stop` (4.3, 4.3.1): it never goes on firing for an HQ that did not start it."
    Given the HQ advertises the capabilities "session"
    And a running turret with 2 canons and the "succeed_with_timer" fixture
    And the turret advertised "session"
    When the turret fires for 1 second
    And the HQ advertises a new run
    Then verify a "ready" status arrives within 10 seconds
    And verify no result arrives more than 5 seconds after that advertisement plus the transaction in progress
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds

  @clause-8.11 @ext-session
  Scenario: session: a turret whose HQ falls silent stops after hq_timeout and returns to ready
    Spec 8.11 (MUST): "[ext-session] With `session`, a running turret that hears nothing from the HQ (no frame on its SUB socket) for `hq_timeout` seconds (turret config, default 30; 0 turns it off) MUST stop as on `stop` (4.3, 4.3.1); a `status_request` without a 1.x advertisement takes `session` out of effect, so a legacy HQ never makes a turret stop on its own."
    Given the HQ advertises the capabilities "session"
    And the turret config sets hq_timeout to 2 seconds
    And a running turret with 2 canons and the "succeed_with_timer" fixture
    And the turret advertised "session"
    When the HQ falls silent
    Then verify the turret keeps firing for 2 seconds
    And verify a "ready" status follows its results within 12 seconds of the HQ's last frame

  @clause-8.11 @ext-session
  Scenario: session: an HQ that does not advertise session never makes the turret stop on its own
    Spec 8.11 (MUST): "[ext-session] With `session`, a running turret that hears nothing from the HQ (no frame on its SUB socket) for `hq_timeout` seconds (turret config, default 30; 0 turns it off) MUST stop as on `stop` (4.3, 4.3.1); a `status_request` without a 1.x advertisement takes `session` out of effect, so a legacy HQ never makes a turret stop on its own."
    Given the HQ advertises the capabilities "batch, accounting"
    And the turret config sets hq_timeout to 1 second
    And a running turret with 2 canons and the "succeed_with_timer" fixture
    And the turret advertised "session"
    When the HQ falls silent
    Then verify the turret keeps firing for 4 seconds

  @clause-8.15 @must
  Scenario: a status_request without an advertisement takes every extension out of effect
    Spec 8.15 (MUST): "A turret MUST use the extensions negotiated with the last valid `status_request` it received: one without a 1.x advertisement (`msg` absent or `null`) takes every extension out of effect, and the turret then speaks as section 12 says until an HQ advertises protocol 1.x again."
    Given the HQ advertises the capabilities "batch, protobuf, accounting"
    And a ready turret with 2 canons and the "succeed_with_timer" fixture
    When the HQ stops advertising: two status_request with msg null are answered
    And the HQ broadcasts "start"
    Then verify results arrive within 5 seconds
    When the turret fires for 1 second
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify the turret spoke as section 12 says since then: single JSON results, every frame with exactly the keys OCT 0.4's HQ stores
