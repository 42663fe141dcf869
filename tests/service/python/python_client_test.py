#!/usr/bin/python3
"""A backend service in Python, driving the crmd binary through stubs generated
from proto/crm/v1/*.proto: it proves the API works for a client that shares no
code with the server.

It starts crmd on a temp folder with its own keys file, then as a backend
would: sets up a team and a rep, registers customers, logs follow-ups, places,
approves and pays an order, reads a customer back, and follows the event log as
an analytics consumer that disconnects and resumes from its saved position.

Run by CTest (tests/service/python/CMakeLists.txt) with Debian's
/usr/bin/python3 (python3-grpcio, python3-protobuf):

  python_client_test.py --crmd build/service/crmd --stubs build/.../gen

Exits non-zero on the first failed check, with crmd's log.
"""

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid

# Keys of this run: name -> (text, role, scope, rep_id).
KEYS = {
    "py-admin": ("py-admin-secret", "ROLE_ADMIN", "SCOPE_ALL", ""),
    "py-analytics": ("py-analytics-secret", "ROLE_ANALYTICS", "SCOPE_ALL", ""),
    "py-rep": ("py-rep-secret", "ROLE_REP", "SCOPE_OWN", "r-py"),
}
START_TIMEOUT_S = 60
CALL_TIMEOUT_S = 10
STOP_TIMEOUT_S = 30


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crmd", required=True, help="path of the crmd binary")
    parser.add_argument("--stubs", required=True, help="folder of the generated Python stubs")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    return parser.parse_args()


def load_stubs(folder):
    """Imports the generated modules (crm/v1/*_pb2*.py under `folder`)."""
    sys.path.insert(0, folder)
    global grpc, pb, crm_grpc, es, es_grpc, hist, hist_grpc, pipe, pipe_grpc
    global common, types, cmds, orders, order_events, products, reps
    import grpc  # Debian python3-grpcio
    from crm.v1 import common_pb2 as common
    from crm.v1 import crm_service_pb2 as pb
    from crm.v1 import crm_service_pb2_grpc as crm_grpc
    from crm.v1 import customer_types_pb2 as types
    from crm.v1 import customer_commands_pb2 as cmds
    from crm.v1 import event_store_service_pb2 as es
    from crm.v1 import event_store_service_pb2_grpc as es_grpc
    from crm.v1 import history_service_pb2 as hist
    from crm.v1 import history_service_pb2_grpc as hist_grpc
    from crm.v1 import order_commands_pb2 as orders
    from crm.v1 import order_events_pb2 as order_events
    from crm.v1 import pipeline_service_pb2 as pipe
    from crm.v1 import pipeline_service_pb2_grpc as pipe_grpc
    from crm.v1 import product_pb2 as products
    from crm.v1 import rep_pb2 as reps


class Crmd:
    """The crmd process on a temp folder; stopped by SIGTERM, killed on failure."""

    def __init__(self, binary, folder):
        self.folder = folder
        self.log_path = os.path.join(folder, "crmd.log")
        keys_path = os.path.join(folder, "keys.textproto")
        port_path = os.path.join(folder, "port")
        with open(keys_path, "w") as f:
            f.write(keys_textproto())
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [binary, "--listen=127.0.0.1:0", "--data_dir=" + os.path.join(folder, "data"),
             "--keys_file=" + keys_path, "--port_file=" + port_path],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        # crmd renames the port file into place, so it is never seen half written.
        while not os.path.exists(port_path):
            assert self.process.poll() is None, (
                f"crmd exited at start with {self.process.returncode}:\n{self.log_text()}")
            assert time.monotonic() < deadline, f"crmd did not serve in {START_TIMEOUT_S} s"
            time.sleep(0.02)
        with open(port_path) as f:
            self.port = int(f.read().strip())

    def log_text(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def terminate(self):
        """SIGTERM; returns the exit code."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"crmd did not stop within {STOP_TIMEOUT_S} s of SIGTERM")

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def keys_textproto():
    """A text-format crm.service.ApiKeys (service/api_keys.proto): hashes only."""
    lines = []
    for name, (text, role, scope, rep) in KEYS.items():
        digest = hashlib.sha256(text.encode()).hexdigest()
        entry = f'key {{ name: "{name}" sha256_hex: "{digest}" role: {role} scope: {scope}'
        if rep:
            entry += f' rep_id: "{rep}"'
        lines.append(entry + " }")
    return "\n".join(lines) + "\n"


def auth(name):
    return (("x-api-key", KEYS[name][0]),)


def new_request_id():
    return "py-" + uuid.uuid4().hex


class Backend:
    """What a backend service holds: a channel, stubs, and the positions it got."""

    def __init__(self, port):
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self.channel).result(timeout=CALL_TIMEOUT_S)
        self.crm = crm_grpc.CrmServiceStub(self.channel)
        self.events = es_grpc.EventStoreServiceStub(self.channel)
        self.history = hist_grpc.HistoryServiceStub(self.channel)
        self.pipeline = pipe_grpc.PipelineServiceStub(self.channel)
        self.last_position = None

    def command(self, method, request, who="py-admin"):
        """Calls a CrmService command; checks its CommandResponse; returns it."""
        if not request.request_id:
            request.request_id = new_request_id()
        call = getattr(self.crm, method)
        try:
            response = call(request, metadata=auth(who), timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as e:
            raise AssertionError(f"{method} as {who}: {e.code().name}: {e.details()}") from None
        assert response.events_written >= 1 or response.already_done, (
            f"{method} wrote nothing and was not a retry: {response}")
        if self.last_position is not None and not response.already_done:
            assert response.position > self.last_position, (
                f"{method}: position {response.position} is not after {self.last_position}")
        if not response.already_done:
            self.last_position = response.position
        return response


def money(minor_units):
    return common.Money(currency_code="CNY", minor_units=minor_units)


def day(y, m, d):
    return common.Date(year=y, month=m, day=d)


# --- The behaviours, each proved by the function named after it. ---


def a_call_without_a_key_is_unauthenticated(backend):
    for metadata in ((), (("x-api-key", "not-a-key"),)):
        try:
            backend.crm.GetCustomer(pb.GetCustomerRequest(customer_id="c-py-1"),
                                    metadata=metadata, timeout=CALL_TIMEOUT_S)
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.UNAUTHENTICATED, (
                f"metadata {metadata}: expected UNAUTHENTICATED, got {e.code().name}: {e.details()}")
        else:
            raise AssertionError(f"GetCustomer with metadata {metadata} succeeded")


def an_admin_sets_up_a_team_and_a_rep(backend):
    backend.command("CreateTeam", pb.CreateTeamRequest(
        command=reps.CreateTeam(team_id="t-py", name="华南销售部")))
    backend.command("RegisterRep", pb.RegisterRepRequest(
        command=reps.RegisterRep(rep_id="r-py", name="李明", team_id="t-py")))


def a_rep_registers_customers_and_logs_follow_ups(backend):
    for cid, company, phone in (("c-py-1", "恒达贸易有限公司", "13800138001"),
                                ("c-py-2", "顺丰五金商行", "13900139002")):
        register = cmds.RegisterCustomer(customer_id=cid, kind=types.CUSTOMER_KIND_COMPANY,
                                         owner_rep_id="r-py")
        register.profile.company_name = company
        register.profile.contact_person = "高娟"
        register.profile.phones.append(phone)
        backend.command("RegisterCustomer", pb.RegisterCustomerRequest(command=register),
                        who="py-rep")
    follow_up = log_follow_up(backend, "c-py-1", "f-py-1", types.INTENT_CONSIDERING)
    # A retry of the same request id writes nothing and says so (AIP-155).
    again = backend.command("LogFollowUp", follow_up, who="py-rep")
    assert again.already_done and again.events_written == 0, f"retry wrote again: {again}"
    log_follow_up(backend, "c-py-1", "f-py-2", types.INTENT_INTERESTED)
    log_follow_up(backend, "c-py-2", "f-py-3", types.INTENT_INTERESTED)


def log_follow_up(backend, customer, follow_up_id, intent):
    request = pb.LogFollowUpRequest(request_id=new_request_id(), command=cmds.LogFollowUp(
        customer_id=customer, follow_up_id=follow_up_id, channel=types.FOLLOW_UP_CHANNEL_PHONE,
        occurred_us=int((time.time() - 600) * 1e6), rep_id="r-py", intent=intent,
        notes="首电：有兴趣，下周二电", next_follow_up_date=day(2030, 1, 15)))
    backend.command("LogFollowUp", request, who="py-rep")
    return request


def an_order_is_placed_approved_and_paid(backend):
    # An order may only name a defined product.
    backend.command("DefineProduct", pb.DefineProductRequest(command=products.DefineProduct(
        product_id="p-crm", name="企业版CRM年费", unit_price=money(500000))))
    place = orders.PlaceOrder(order_id="o-py-1", contract_number="HT-PY-001",
                              customer_id="c-py-1", rep_id="r-py", currency_code="CNY",
                              signed_on=day(2026, 3, 1))
    place.lines.add(product_id="p-crm", product_name="企业版CRM年费", quantity=2,
                    unit_price=money(500000))
    place.plan.add(number=1, amount=money(400000), due_date=day(2030, 3, 31))
    place.plan.add(number=2, amount=money(600000), due_date=day(2030, 4, 30))
    backend.command("PlaceOrder", pb.PlaceOrderRequest(command=place), who="py-rep")
    backend.command("ApproveOrder", pb.ApproveOrderRequest(
        command=orders.ApproveOrder(order_id="o-py-1", approver="py-admin")))
    record_payment(backend, "pay-py-1", 400000, instalment=1)


def record_payment(backend, payment_id, minor_units, instalment):
    return backend.command("RecordPayment", pb.RecordPaymentRequest(
        command=orders.RecordPayment(order_id="o-py-1", payment_id=payment_id,
                                     instalment_number=instalment, amount=money(minor_units),
                                     paid_on=day(2026, 3, 20),
                                     method=order_events.PAYMENT_METHOD_BANK_TRANSFER,
                                     rep_id="r-py")), who="py-rep")


def the_customer_reads_back_as_written(backend):
    customer = backend.crm.GetCustomer(pb.GetCustomerRequest(customer_id="c-py-1"),
                                       metadata=auth("py-rep"), timeout=CALL_TIMEOUT_S)
    assert customer.customer_id == "c-py-1", customer
    assert customer.owner_rep_id == "r-py", f"owner: {customer.owner_rep_id!r}"
    assert customer.profile.company_name == "恒达贸易有限公司", customer.profile
    assert customer.follow_up_count == 2, f"follow_up_count: {customer.follow_up_count}"
    assert customer.intent == types.INTENT_INTERESTED, (
        f"intent: {types.Intent.Name(customer.intent)}")


def the_timeline_names_who_did_what(backend):
    page = backend.history.ListCustomerTimeline(
        hist.ListCustomerTimelineRequest(customer_id="c-py-1",
                                         min_position=backend.last_position),
        metadata=auth("py-rep"), timeout=CALL_TIMEOUT_S)
    seen = [(e.type, e.actor) for e in page.entries]
    assert seen == [("crm.v1.CustomerRegistered", "py-rep"), ("crm.v1.FollowUpLogged", "py-rep"),
                    ("crm.v1.FollowUpLogged", "py-rep"), ("crm.v1.OrderPlaced", "py-rep"),
                    ("crm.v1.OrderApproved", "py-admin"), ("crm.v1.PaymentRecorded", "py-rep")], (
        f"timeline: {seen}")


def the_reps_pipeline_shows_its_customers(backend):
    """Skipped (with a note) when this build's PipelineService has no ListPipeline."""
    service = pipe.DESCRIPTOR.services_by_name["PipelineService"]
    if "ListPipeline" not in service.methods_by_name:
        print("SKIPPED the pipeline part: PipelineService has no ListPipeline RPC")
        return
    request = pipe.ListPipelineRequest(min_position=backend.last_position)
    request.scope.rep_id = "r-py"
    try:
        response = backend.pipeline.ListPipeline(request, metadata=auth("py-rep"),
                                                 timeout=CALL_TIMEOUT_S)
    except grpc.RpcError as e:
        if e.code() == grpc.StatusCode.UNIMPLEMENTED:
            print("SKIPPED the pipeline part: crmd does not implement ListPipeline yet")
            return
        raise AssertionError(f"ListPipeline: {e.code().name}: {e.details()}") from None
    by_id = {e.customer_id: e for e in response.entries}
    assert set(by_id) == {"c-py-1", "c-py-2"}, f"pipeline of r-py: {sorted(by_id)}"
    assert by_id["c-py-1"].follow_up_count == 2, by_id["c-py-1"]
    assert by_id["c-py-1"].intent == types.INTENT_INTERESTED, by_id["c-py-1"]


def subscribe(backend, from_position, stop):
    """Event positions from a Subscribe as analytics, until stop(positions) is true;
    then cancels the call (the consumer disconnects)."""
    call = backend.events.Subscribe(es.SubscribeRequest(from_position=from_position),
                                    metadata=auth("py-analytics"), timeout=30)
    positions = []
    try:
        for message in call:
            if message.WhichOneof("message") == "event":
                event = message.event
                meta = common.EventMetadata()
                meta.ParseFromString(event.metadata)
                if event.stream.startswith("customer-") or event.stream.startswith("order-"):
                    assert meta.actor in KEYS, (
                        f"event {event.position} on {event.stream}: actor {meta.actor!r}")
                positions.append(event.position)
            if stop(positions):
                break
    except grpc.RpcError as e:
        raise AssertionError(f"Subscribe from {from_position}: {e.code().name}: {e.details()}")
    finally:
        call.cancel()
    return positions


def a_resumed_subscription_sees_every_position_once(backend):
    assert backend.last_position >= 8, f"too few events to split: {backend.last_position}"
    first = subscribe(backend, 0, lambda seen: len(seen) >= 5)
    saved = first[-1] + 1
    # More commands while the consumer is away.
    log_follow_up(backend, "c-py-2", "f-py-4", types.INTENT_CONSIDERING)
    record_payment(backend, "pay-py-2", 600000, instalment=2)
    end = backend.last_position
    second = subscribe(backend, saved, lambda seen: bool(seen) and seen[-1] >= end)
    seen = first + second
    expected = list(range(end + 1))
    assert seen == expected, (
        f"positions over two subscriptions (resumed at {saved}): {seen}, expected 0..{end}")


def crmd_stops_cleanly_on_sigterm(crmd):
    code = crmd.terminate()
    assert code == 0, f"crmd exited with {code} after SIGTERM:\n{crmd.log_text()}"
    assert "stopped cleanly" in crmd.log_text(), crmd.log_text()


def main():
    args = parse_args()
    load_stubs(args.stubs)
    folder = tempfile.mkdtemp(prefix="crm-python-client-")
    crmd = None
    try:
        crmd = Crmd(args.crmd, folder)
        backend = Backend(crmd.port)
        a_call_without_a_key_is_unauthenticated(backend)
        an_admin_sets_up_a_team_and_a_rep(backend)
        a_rep_registers_customers_and_logs_follow_ups(backend)
        an_order_is_placed_approved_and_paid(backend)
        the_customer_reads_back_as_written(backend)
        the_timeline_names_who_did_what(backend)
        the_reps_pipeline_shows_its_customers(backend)
        a_resumed_subscription_sees_every_position_once(backend)
        backend.channel.close()
        crmd_stops_cleanly_on_sigterm(crmd)
        print("PASSED: python client against crmd")
        return 0
    except Exception:  # a failed check or an unexpected error: report both the same way
        traceback.print_exc()
        if crmd is not None:
            crmd.kill()
            print("--- crmd log ---\n" + crmd.log_text(), file=sys.stderr)
        return 1
    finally:
        if crmd is not None:
            crmd.kill()
            crmd.log.close()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
