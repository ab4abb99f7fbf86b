Feature: 4. Commands
  The HQ commands turrets with status_request, start, stop, kill and set_transaction_context.
  A turret must survive anything else it is sent.

  @clause-4.1 @must
  Scenario: status_request is answered in every state
    Spec 4.1 (MUST): "A turret MUST answer every valid `status_request` with a status message within 1 second, in every state: `initialized`, `ready` and `running`, also while its canons finish after a `stop` (4.3.5)."
    Given a ready turret with 2 canons and the "succeed_with_timer" fixture
    Then verify a status_request is answered within 1 second with status "ready"
    When the HQ broadcasts "start"
    And the turret fires for 1 second
    Then verify a status_request is answered within 1 second with status "running"
    And verify a status_request is answered within 1 second with status "running"
    When the HQ broadcasts "stop"
    Then verify a status_request is answered within 1 second
    When the HQ waits for a "ready" status within 10 seconds
    Then verify a status_request is answered within 1 second with status "ready"

  @clause-4.1.1 @must
  Scenario: a status_request whose advertisement is invalid changes neither the state nor the extensions
    Spec 4.1.1 (MUST): "A turret MUST treat a `status_request` whose `msg` is present and neither `null` nor a valid HQ advertisement (`command-status-request.schema.json`, e.g. `{"protocol": "2.0"}`) as a malformed command (4.7), which changes neither its state nor the extensions in effect."
    Given the HQ advertises the capabilities "batch, accounting"
    And a running turret with 2 canons and the "succeed_with_timer" fixture
    When the turret fires for 1 second
    And the HQ broadcasts status_request with these invalid advertisements:
      | msg                                            |
      | {"protocol": "2.0", "capabilities": []}        |
      | {"protocol": "1.0", "capabilities": "batch"}   |
      | {"capabilities": ["batch", "accounting"]}      |
      | "1.0"                                          |
    And the turret fires for 1 second
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify the process is still running
    And verify the invalid advertisements changed neither the state nor the extensions in effect

  @clause-4.2 @must
  Scenario: start makes a ready turret run and send results
    Spec 4.2 (MUST): "On `start` a ready turret MUST enter `running` and its canons MUST begin firing; results follow."
    Given a ready turret with 2 canons and the "succeed_with_timer" fixture
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds
    And verify a status_request is answered within 1 second with status "running"

  @clause-4.2.1 @must
  Scenario: a second start while running is ignored
    Spec 4.2.1 (MUST): "A turret MUST ignore a `start` received while running: firing continues without restarting."
    Given a running turret with 1 canon and the "succeed_with_timer" fixture
    When the turret fires for 1 second
    And the HQ broadcasts "start"
    And the turret fires for 1 second
    Then verify firing continued across the second start without restarting

  @clause-4.3 @clause-4.3.4 @must
  Scenario: stop makes results cease within the bound
    Spec 4.3 (MUST): "On `stop` a running turret MUST stop firing: each canon finishes the transaction it is running and starts no other."
    Spec 4.3.4 (MUST): "A turret MUST NOT send a result more than 5 seconds after a `stop` plus the duration of the transaction then in progress."
    Given a running turret with 2 canons and the "succeed_with_timer" fixture
    When the turret fires for 1 second
    And the HQ broadcasts "stop"
    Then verify no result arrives more than 5 seconds after the stop plus the transaction in progress

  @clause-4.3 @clause-4.3.3 @must
  Scenario: the transactions in progress at a stop finish and are reported
    Spec 4.3 (MUST): "On `stop` a running turret MUST stop firing: each canon finishes the transaction it is running and starts no other."
    Spec 4.3.3 (MUST): "After `stop`, a turret MUST send the result of every transaction that finished, the one in progress at the stop included."
    Given a running turret with 2 canons and the "slow" fixture
    When the turret fires for 0.5 seconds
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify each canon's transaction in progress at the stop produced one result

  @clause-4.3 @clause-4.3.2 @must
  Scenario: the tear-downs run at a stop
    Spec 4.3 (MUST): "On `stop` a running turret MUST stop firing: each canon finishes the transaction it is running and starts no other."
    Spec 4.3.2 (MUST): "After `stop`, a turret MUST run the tear-down of each canon that finished its transaction."
    Given the fixtures name a "tear_down_mark" script, or this is not tested
    And a running turret with 2 canons and the "tear_down_mark" fixture
    When the turret fires for 0.5 seconds
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    Then verify the tear-down of each canon's transaction left its mark after the stop

  @clause-4.3.1 @must
  Scenario: a stop received while ready leaves the turret ready
    Spec 4.3.1 (MUST): "After `stop` the turret MUST report `ready` within 10 seconds and obey a new `start`."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "stop"
    Then verify the process is still running
    And verify a status_request is answered within 1 second with status "ready"
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds

  @clause-4.3.1 @clause-6.1 @must
  Scenario: after stop the turret is ready again and obeys a new start
    Spec 4.3.1 (MUST): "After `stop` the turret MUST report `ready` within 10 seconds and obey a new `start`."
    Spec 6.1 (MUST): "A turret MUST send a status message within 5 seconds of starting, and one each time it becomes ready."
    Given a running turret with 2 canons and the "succeed_with_timer" fixture
    When the turret fires for 1 second
    And the HQ broadcasts "stop"
    Then verify a "ready" status arrives within 10 seconds
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds

  @clause-4.3.5 @must
  Scenario: a turret says running until its canons have finished after a stop
    Spec 4.3.5 (MUST): "Until its canons have finished after a `stop`, a turret MUST report `running`."
    Given a running turret with 2 canons and the "slow" fixture
    When the turret fires for 0.5 seconds
    And the HQ broadcasts "stop"
    And the HQ asks with status_request every 0.25 seconds until a "ready" status, within 10 seconds
    Then verify every status after the stop until the last result says "running"

  @clause-4.3.6 @should
  Scenario: canons abandoned after the stop's grace time are counted in canons_abandoned
    Spec 4.3.6 (SHOULD): "A protocol 1.x turret that abandons canons after the stop's grace time (their transaction still running, its result never sent) SHOULD say how many in `canons_abandoned` of its statuses after that stop, until its next `start`."
    Given the fixtures name a "hang" script, or this is not tested
    And a ready turret with 2 canons and the "hang" fixture
    When the HQ broadcasts "start"
    And the turret fires for 1 second
    And the HQ broadcasts "stop"
    And the HQ waits for a "ready" status within 10 seconds
    And the turret is judged as a protocol 1.x turret, unless it is a legacy one
    Then verify a status_request is answered within 1 second with status "ready"
    And verify every status since the stop that does not say running has canons_abandoned 2

  @clause-4.4 @clause-4.4.2 @must
  Scenario: kill while ready
    Spec 4.4 (MUST): "On `kill` a turret MUST send a `killed` status."
    Spec 4.4.2 (MUST): "A turret's process MUST exit within 2 seconds of receiving `kill`."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "kill"
    Then verify a "killed" status arrives within 2 seconds
    And verify the process exits within 2 seconds of the kill

  @clause-4.4 @clause-4.4.2 @must
  Scenario: kill while running
    Spec 4.4 (MUST): "On `kill` a turret MUST send a `killed` status."
    Spec 4.4.2 (MUST): "A turret's process MUST exit within 2 seconds of receiving `kill`."
    Given a running turret with 2 canons and the "slow" fixture
    When the HQ broadcasts "kill"
    Then verify a "killed" status arrives within 2 seconds
    And verify the process exits within 2 seconds of the kill

  @clause-4.5 @clause-4.5.1 @must
  Scenario: the transaction context reaches every transaction
    Spec 4.5 (MUST): "On `set_transaction_context` a turret MUST hand `msg` to every transaction it creates afterwards."
    Spec 4.5.1 (MUST): "The context a turret hands to the transactions of a `start` MUST be the `msg` of the last `set_transaction_context` it received before that `start`, or `{}` when it received none."
    Given a ready turret with 2 canons and the "echo_context" fixture
    When the HQ broadcasts the transaction context {"marker": "m4x5"}
    And the HQ broadcasts "start"
    Then verify results arrive within 5 seconds
    And verify every result carries the custom timer "ctx_m4x5" equal to 1

  @clause-4.5.3 @must
  Scenario: set_transaction_context without msg sets the context to {}
    Spec 4.5.3 (MUST): "A turret MUST take a `set_transaction_context` without `msg` as setting the context to `{}`."
    Given a ready turret with 2 canons and the "echo_context" fixture
    When the HQ broadcasts the transaction context {"marker": "m453"}
    And the HQ broadcasts "set_transaction_context" without msg
    And the HQ broadcasts "start"
    Then verify results arrive within 5 seconds
    When the turret fires for 0.5 seconds
    Then verify no result carries the custom timer "ctx_m453", and every one succeeded

  @clause-4.6 @must
  Scenario: an unknown command is ignored
    Spec 4.6 (MUST): "A turret MUST ignore a command whose name it does not know, and keep working."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts a command named "launch_missiles"
    Then verify the process is still running
    And verify a status_request is answered within 1 second with status "ready"
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds

  @clause-4.7 @clause-3.5 @must
  Scenario: malformed command frames are survived
    Spec 4.7 (MUST): "A turret MUST survive a malformed command frame (not UTF-8, not JSON, no space, not an object) and keep working."
    Spec 3.5 (MUST): "A turret MUST split a command frame at its first space (0x20); a frame without a space, or whose text before the first space contains `"`, `{`, `}`, `[` or `]`, has no topic and is malformed (4.7)."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts these malformed frames:
      | kind                 |
      | not UTF-8            |
      | not JSON             |
      | no space             |
      | not an object        |
      | array body           |
      | no command field     |
      | command not a string |
      | empty                |
    Then verify the process is still running
    And verify a status_request is answered within 1 second with status "ready"
    When the HQ broadcasts "start"
    Then verify results arrive within 5 seconds

  @clause-4.8 @should
  Scenario: a status follows each command
    Spec 4.8 (SHOULD): "A turret SHOULD send a status message after each command it acts on."
    Given a ready turret with 1 canon and the "succeed_with_timer" fixture
    When the HQ broadcasts "start"
    Then verify a status arrives within 2 seconds
    When the HQ broadcasts "stop"
    Then verify a status arrives within 2 seconds
