"""Thin API views: scoped querysets, serializers for shape, services for every write. A refused
transition is a DomainError, which core.api turns into HTTP 400 with the Chinese message."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import IdLookupMixin, ScopedQuerysetMixin, parse_id
from core.errors import DomainError, Forbidden
from core.scoping import get_visible_or_404, user_scope
from members.models import Committee, HandlingUnit, Member

from .. import rules, services
from ..models import Answer, Countersign, Evaluation, Proposal, ProposalCosigner, PublicComment, PublicOpening, UnitAssignment
from . import serializers as s
from .filters import ProposalFilter

RELEASED = ["released", "evaluated", "rehandling", "closed"]


def _units(user, ids):
    ids = [i for i in ids if i]
    units = list(HandlingUnit.objects.visible_to(user).filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise DomainError("承办单位不存在或不属于本政协。", field="lead_unit")
    by_id = {u.pk: u for u in units}
    return [by_id[i] for i in ids]


class ProposalViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, viewsets.GenericViewSet):
    """提案: list, read, draft, and each workflow step as a POST action (same services as the pages)."""

    queryset = Proposal.objects.all()
    serializer_class = s.ProposalSerializer
    filterset_class = ProposalFilter
    search_fields = ["title", "group_name", "member__name"]
    ordering_fields = ["created_at", "due_at", "number"]

    def get_base_queryset(self):
        return Proposal.objects.select_related("session", "member").prefetch_related(
            Prefetch("cosigners", queryset=ProposalCosigner.objects.select_related("member")),
            Prefetch("assignments", queryset=UnitAssignment.objects.select_related("unit")),
        )

    def get_serializer_class(self):
        return {
            "create": s.ProposalCreateSerializer, "cosign": s.CosignSerializer, "file": s.FileSerializer,
            "not_file": s.NotFileSerializer, "assign": s.AssignSerializer, "review_class": s.ReviewClassSerializer,
            "evaluate": s.EvaluateSerializer, "supervise": s.SupervisionSerializer,
            "open_public": s.OpenPublicSerializer, "countersign": s.CountersignInputSerializer,
            "invite": s.EmptySerializer, "submit": s.EmptySerializer, "withdraw": s.EmptySerializer,
            "release": s.EmptySerializer, "convert": s.EmptySerializer,
        }.get(self.action, s.ProposalSerializer)

    def _input(self, request):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data

    def _done(self, proposal, code=status.HTTP_200_OK):
        fresh = self.get_base_queryset().get(pk=proposal.pk)
        return Response(s.ProposalSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.ProposalCreateSerializer, responses=s.ProposalSerializer)
    def create(self, request, *args, **kwargs):
        scope = user_scope(request.user)  # a role refusal (403) before the input is read
        rules.require_create(request.user, committee=Committee.objects.filter(pk=scope.committee_id).first(),
                             member=Member.objects.filter(pk=scope.member_id).first() if scope.member_id else None)
        d = self._input(request)
        member = get_visible_or_404(Member.objects.all(), request.user, pk=d["member"]) if d.get("member") else None
        cosigners = []
        if d["cosigner_ids"]:
            cosigners = list(Member.objects.filter(pk__in=d["cosigner_ids"]))
            if len(cosigners) != len(set(d["cosigner_ids"])):
                raise DomainError("附议委员不存在或不属于本政协。", field="cosigner_ids")
        # One service call, one transaction: a refused co-signer leaves no draft behind.
        p = services.proposal_create_draft(
            member=member, title=d["title"], content=d["content"], category=d["category"],
            proposer_kind=d["proposer_kind"], group_name=d["group_name"], cosigners=cosigners, by=request.user)
        return self._done(p, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        return self._done(services.proposal_invite(proposal=self.get_object(), by=request.user))

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._done(services.proposal_withdraw_to_draft(proposal=self.get_object(), by=request.user))

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._done(services.proposal_submit(proposal=self.get_object(), by=request.user))

    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        p = self.get_object()
        scope = user_scope(request.user)
        c = p.cosigners.filter(member_id=scope.member_id or 0).first()
        if c is None:
            raise Forbidden("您不是该提案的附议委员。")
        d = self._input(request)
        services.proposal_cosign_respond(cosigner=c, accept=d["accept"], by=request.user)
        return self._done(p)

    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        p = self.get_object()
        d = self._input(request)
        leader = None
        if d.get("supervising_leader"):
            leader = get_user_model().objects.filter(pk=d["supervising_leader"]).first()
        return self._done(services.proposal_file(proposal=p, by=request.user, is_key=d["is_key"], leader=leader,
                                                 key_answer_days=d.get("key_answer_days"), note=d["note"]))

    @action(detail=True, methods=["post"], url_path="not-file")
    def not_file(self, request, pk=None):
        p = self.get_object()
        rules.require_office(request.user, p)  # 403 before the input is read
        d = self._input(request)
        return self._done(services.proposal_not_file(proposal=p, reason=d["reason"],
                                                     convert=d["convert"], by=request.user))

    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        return self._done(services.proposal_convert_to_opinion(proposal=self.get_object(), by=request.user))

    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        p = self.get_object()
        d = self._input(request)
        lead = _units(request.user, [d["lead_unit"]])[0] if d.get("lead_unit") else None
        return self._done(services.proposal_assign(
            proposal=p, by=request.user, lead_unit=lead, co_units=_units(request.user, d["co_units"]),
            separate_units=_units(request.user, d["separate_units"]), answer_days=d.get("answer_days")))

    @action(detail=True, methods=["post"])
    def countersign(self, request, pk=None):
        p = self.get_object()
        scope = user_scope(request.user)
        cs = (Countersign.objects.select_related("assignment", "answer__proposal")
              .filter(answer__proposal=p, answer__round=p.round, assignment__unit_id=scope.unit_id or 0).first())
        if cs is None:
            raise Forbidden("贵单位不是该提案的会办单位。")
        d = self._input(request)
        services.countersign_confirm(countersign=cs, by=request.user, opinion=d["opinion"])
        return self._done(p)

    @action(detail=True, methods=["post"], url_path="review-class")
    def review_class(self, request, pk=None):
        d = self._input(request)
        classes = {}
        for k, v in d["classes"].items():
            if parse_id(k) is None:
                raise DomainError("答复编号无效。", field="classes")
            classes[parse_id(k)] = v
        return self._done(services.answer_review_class(proposal=self.get_object(), by=request.user,
                                                       classes=classes, note=d["note"]))

    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self._done(services.proposal_release(proposal=self.get_object(), by=request.user))

    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        p = self.get_object()
        rules.require(rules.can_evaluate(request.user, p), "只有领衔委员可以评价答复。")  # 403 before the input
        d = self._input(request)
        return self._done(services.proposal_evaluate(proposal=p, by=request.user,
                                                     result=d["result"], comment=d["comment"]))

    @extend_schema(responses={201: s.SupervisionSerializer})
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        p = self.get_object()
        rules.require(rules.can_supervise(request.user, p), "只有督办领导或政协机关可以记录督办。")  # 403 first
        d = self._input(request)
        r = services.supervision_record_add(proposal=p, by=request.user, content=d["content"], method=d["method"],
                                            on=d.get("on"))
        return Response(s.SupervisionSerializer(r).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={201: inline_serializer("PublicOpeningCreated", {
        "id": serializers.IntegerField(), "summary": serializers.CharField(),
        "closes_on": serializers.DateField(allow_null=True)})})
    @action(detail=True, methods=["post"], url_path="open-public")
    def open_public(self, request, pk=None):
        p = self.get_object()
        rules.require_office(request.user, p)  # 403 before the input is read
        d = self._input(request)
        o = services.proposal_open_public(proposal=p, by=request.user, summary=d["summary"],
                                          closes_on=d.get("closes_on"))
        return Response({"id": o.pk, "summary": o.summary, "closes_on": o.closes_on}, status=status.HTTP_201_CREATED)


class AnswerViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """答复: units draft and submit; the office and units read all; the member reads released ones."""

    serializer_class = s.AnswerSerializer
    filterset_fields = ["proposal", "status", "round"]

    def get_queryset(self):
        user = self.request.user
        scope = user_scope(user)
        visible = Proposal.objects.visible_to(user)
        qs = Answer.objects.filter(proposal__in=visible)
        if not scope.is_office and not scope.unit_id:
            qs = qs.filter(proposal__status__in=RELEASED, status=Answer.Status.SUBMITTED)
        return qs.select_related("assignment__unit").prefetch_related(
            Prefetch("countersigns", queryset=Countersign.objects.select_related("assignment__unit"))).order_by("pk")

    def get_serializer_class(self):
        return s.AnswerInputSerializer if self.action == "create" else s.AnswerSerializer

    @extend_schema(request=s.AnswerInputSerializer, responses=s.AnswerSerializer)
    def create(self, request, *args, **kwargs):
        rules.require_answering_login(request.user)  # a role refusal (403) before the input is read
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        assignment = get_visible_or_404(UnitAssignment.objects.select_related("proposal", "unit"), request.user,
                                        pk=d["assignment"])
        answer = services.answer_save(assignment=assignment, by=request.user, content=d["content"],
                                      answer_class=d["answer_class"], document=d.get("document"), submit=d["submit"])
        return Response(s.AnswerSerializer(self.get_queryset().get(pk=answer.pk),
                                           context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


class EvaluationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """委员评价: read what you may see; POST records the lead member's evaluation."""

    serializer_class = s.EvaluationSerializer
    filterset_fields = ["proposal", "result", "round"]

    def get_queryset(self):
        return Evaluation.objects.filter(proposal__in=Proposal.objects.visible_to(self.request.user)).order_by("pk")

    def get_serializer_class(self):
        return s.EvaluationInputSerializer if self.action == "create" else s.EvaluationSerializer

    @extend_schema(request=s.EvaluationInputSerializer, responses=s.EvaluationSerializer)
    def create(self, request, *args, **kwargs):
        rules.require_evaluating_login(request.user)  # a role refusal (403) before the input is read
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        p = get_visible_or_404(Proposal.objects.all(), request.user, pk=d["proposal"])
        p = services.proposal_evaluate(proposal=p, by=request.user, result=d["result"], comment=d["comment"])
        ev = Evaluation.objects.filter(proposal=p).order_by("-round").first()
        return Response(s.EvaluationSerializer(ev).data, status=status.HTTP_201_CREATED)


class PublicOpeningViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """政协提案我参与: proposals open to public comment (no login)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.PublicOpeningSerializer

    def get_queryset(self):
        return (PublicOpening.objects.public().select_related("proposal__session")
                .annotate(n_comments=Count("comments", filter=Q(comments__status="approved"))).order_by("-opened_on", "-pk"))


class PublicCommentViewSet(IdLookupMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Public comments: anyone lists approved ones and POSTs a new one (held for moderation); the
    office moderates; units reply."""

    serializer_class = s.PublicCommentSerializer
    filterset_fields = ["opening", "status"]
    rate_limited_actions = ("create",)

    def get_permissions(self):
        if self.action in ("list", "create"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        return (PublicComment.objects.visible_to(self.request.user).select_related("reply_unit")
                .order_by("-created_at", "-pk"))

    def get_serializer_class(self):
        return {"create": s.PublicCommentInputSerializer, "moderate": s.ModerateSerializer,
                "reply": s.ReplySerializer}.get(self.action, s.PublicCommentSerializer)

    @extend_schema(request=s.PublicCommentInputSerializer, responses={
        201: s.PublicCommentSerializer, 200: OpenApiResponse(s.PublicCommentSerializer, description="同一幂等键的重复提交"),
        202: OpenApiResponse(description="已提交，待审核")})
    def create(self, request, *args, **kwargs):
        from ..views import rate_check

        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        opening = PublicOpening.objects.public().filter(pk=d["opening"]).select_related("proposal").first()
        if opening is None:
            return Response({"opening": ["该提案未公开征求意见。"]}, status=status.HTTP_400_BAD_REQUEST)
        if d["website"]:
            return Response({"status": "pending", "detail": "已提交，审核通过后公开显示。"}, status=status.HTTP_202_ACCEPTED)
        rate_check(request)  # core.ratelimit.RateLimited: core.api answers 429 with its message
        comment, created = services.public_comment_submit(
            opening=opening, body=d["body"], nickname=d["nickname"], phone=d["phone"],
            idempotency_key=d["idempotency_key"])
        return Response(s.PublicCommentSerializer(comment).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        c = self.get_object()
        rules.require_moderate_comment(request.user, c)  # 403 before the input is read
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        c = services.public_comment_moderate(comment=c, by=request.user, approve=ser.validated_data["approve"],
                                             reason=ser.validated_data["reason"])
        return Response(s.PublicCommentSerializer(c).data)

    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        c = self.get_object()
        rules.require_reply_comment(request.user, c)  # 403 before the input is read
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        c = services.public_comment_reply(comment=c, by=request.user, reply=ser.validated_data["reply"])
        return Response(s.PublicCommentSerializer(c).data)
