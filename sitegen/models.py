"""Typed content models, one per record kind (PRODUCT.md §2). Closed: unknown fields are errors.

Rules that span several fields (dates in order, status-dependent fields) live in
`validate.py`, where each error can point at the field it concerns.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .fieldtypes import (
    BrandKey,
    Closed,
    CreditCode,
    FundingSource,
    IsoDate,
    NonNegInt,
    NonNegNumber,
    Region,
    RegionRef,
    StrictBool,
    StrictInt,
    TargetGroup,
    Text,
    Year,
)

AssociationKind = Literal["青年志愿者协会", "志愿者协会", "志愿服务联合会"]
AssociationStatus = Literal["active", "preparing", "dissolved"]
TeamType = Literal["乡镇街道", "学校", "行业", "企业", "社区", "其他"]
BaseType = Literal["青年之家", "党群服务中心", "公共文化设施", "社区", "其他"]
ProjectStatus = Literal["running", "paused", "completed"]
StaticPath = Annotated[str, Field(min_length=1)]


class Contact(Closed):
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None


class Leader(Closed):
    role: Text
    name: Text


class Volunteers(Closed):
    registered: NonNegInt
    as_of: IsoDate | None = None


class Team(Closed):
    name: Text
    type: TeamType = "其他"
    members: NonNegInt | None = None


class GroupMember(Closed):
    name: Text
    joined: IsoDate | None = None


class Training(Closed):
    date: IsoDate
    title: Text
    participants: NonNegInt | None = None


class ServiceBase(Closed):
    name: Text
    type: BaseType = "其他"
    address: str | None = None


class Governance(Closed):
    charter: StrictBool = False
    party_org: StrictBool = False
    league_org: StrictBool = False
    disclosure_url: str | None = None


class Honor(Closed):
    year: Year
    title: Text
    by: str | None = None


class Association(Closed):
    region: Region
    name: Text
    kind: AssociationKind = "青年志愿者协会"
    status: AssociationStatus = "active"
    founded: IsoDate | None = None
    dissolved: IsoDate | None = None
    credit_code: CreditCode | None = None
    supervisor: str | None = None
    contact: Contact | None = None
    leaders: list[Leader] = Field(default_factory=list)
    volunteers: Volunteers | None = None
    teams: list[Team] = Field(default_factory=list)
    group_members: list[GroupMember] = Field(default_factory=list)
    trainings: list[Training] = Field(default_factory=list)
    bases: list[ServiceBase] = Field(default_factory=list)
    governance: Governance | None = None
    honors: list[Honor] = Field(default_factory=list)
    description: str | None = None
    updated: IsoDate | None = None


class Project(Closed):
    title: Text
    association: RegionRef
    brand: BrandKey
    targets: list[TargetGroup] = Field(default_factory=list)
    summary: Text
    started: IsoDate | None = None
    status: ProjectStatus = "running"
    regular: StrictBool = False
    schedule: str | None = None
    volunteers: NonNegNumber | None = None
    service_hours: NonNegNumber | None = None
    beneficiaries: NonNegNumber | None = None
    funding: list[FundingSource] = Field(default_factory=list)
    library_year: Year | None = None
    featured: StrictBool = False
    images: list[StaticPath] = Field(default_factory=list)
    description: str | None = None


class StoryVolunteer(Closed):
    name: Text
    star: Annotated[StrictInt, Field(ge=1, le=5)] | None = None


class Story(Closed):
    title: Text
    date: IsoDate
    summary: str | None = None
    association: RegionRef | None = None
    project: str | None = None
    volunteer: StoryVolunteer | None = None
    tags: list[Text] = Field(default_factory=list)
    cover: StaticPath | None = None
    draft: StrictBool = False


class Page(Closed):
    title: Text
    menu: StrictInt | None = None
    draft: StrictBool = False


MODELS: dict[str, type[Closed]] = {
    "association": Association,
    "project": Project,
    "story": Story,
    "page": Page,
}
