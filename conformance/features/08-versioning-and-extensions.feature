Feature: 8. Versioning and extensions
  The HQ advertises capabilities in the msg of status_request; the turret advertises its own in
  its status. An extension is used only when both sides advertised it. Extension scenarios are
  tagged @ext-<name> and are "not applicable" when the turret does not advertise the extension.

  @clause-8.1 @must
  Scenario: commands with unknown fields are obeyed
    Spec 8.1 (MUST): "This is protocol major version 1. Receivers ignore fields they do not know; new fields are optional and never become required within a major version."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "status_request" with an extra field "future_field"
    Then verify a status arrives within 1 second
    When the HQ broadcasts "start" with an extra field "future_field"
    Then verify results arrive within 5 seconds

  @clause-8.2 @must
  Scenario: the turret advertises its protocol and capabilities
    Spec 8.2 (MUST): "A protocol 1.x turret includes `protocol` and `capabilities` in its status messages. The HQ advertises itself in the `msg` of `status_request` (`{"protocol": "1.x", "capabilities": [...]}`); legacy turrets ignore it."
    Given the HQ advertises the capabilities "batch, protobuf, accounting"
    And a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "start"
    And the turret fires for 0.5 seconds
    Then verify every status carries protocol "1.x" and a capabilities list

  @clause-8.3 @must
  Scenario: an HQ that advertises nothing gets the plain protocol
    Spec 8.3 (MUST): "Each side uses an extension only when both advertised it: a turret that has not seen the HQ advertise a capability speaks the plain protocol."
    Given a running turret with 3 canons and the "succeed_with_timer" fixture
    When the turret fires for 1.5 seconds
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify the turret spoke the plain protocol: single JSON results, no seq, no results_sent

  @clause-8.3 @must
  Scenario: an HQ that advertises only batch gets no protobuf and no accounting
    Spec 8.3 (MUST): "Each side uses an extension only when both advertised it: a turret that has not seen the HQ advertise a capability speaks the plain protocol."
    Given the HQ advertises the capabilities "batch"
    And a running turret with 3 canons and the "succeed_with_timer" fixture
    When the turret fires for 1.5 seconds
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify the turret used no extension but "batch"

  @clause-8.4 @ext-batch
  Scenario: result batches are valid
    Spec 8.4 (MUST): "[ext-batch] With `batch`, a turret may send many results in one `result-batch` message; each result in it is valid as in 5.3 (turret_name and uuid inherited from the batch)."
    Given the HQ advertises the capabilities "batch"
    And a ready turret with 3 canons and the "succeed_with_timer" fixture
    And the turret advertised "batch"
    When the HQ broadcasts "start"
    And the turret fires for 1.5 seconds
    Then verify every batch is valid and names this turret
    And verify every result is valid

  @clause-8.6 @ext-accounting
  Scenario: accounting numbers results without gaps and counts them
    Spec 8.6 (MUST): "[ext-accounting] With `accounting`, every result carries `seq`, numbered from 0 at each start without gaps, and every status after a stop carries `results_sent`, the number of results sent since that start."
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
